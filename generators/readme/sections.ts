/**
 * The README's tables and facts, computed from the IR (and from the Makefile rules and the
 * OpenAPI document, so the README cannot disagree with them). Every cell is Markdown already.
 */
import type { CompileTargetIR, ProjectIR } from "../../compiler/ir.js";
import { hasNeuronTarget } from "../support/container-run.js";
import { HELP_DESCRIPTION, makeRules } from "../support/make-rules.js";
import { makeVariables } from "../support/make-variables.js";
import { openapiDocument } from "../support/openapi-document.js";
import { code, markdownInline, tableRow } from "./markdown.js";

/** `| target | does |` rows for every Make target, help first. */
export function makeTargetRows(ir: ProjectIR): string[] {
  const rows = [tableRow([code("help"), markdownInline(HELP_DESCRIPTION)])];
  for (const rule of makeRules(ir)) rows.push(tableRow([code(rule.targets.join(" ")), markdownInline(rule.help)]));
  return rows;
}

/** `| variable | default | meaning |` rows. */
export function makeVariableRows(ir: ProjectIR): string[] {
  return makeVariables(ir).map((v) => tableRow([code(v.name), v.default === "" ? "(empty)" : code(v.default), markdownInline(v.help)]));
}

/** `| method | route | answers |` rows, straight from the OpenAPI document the server serves. */
export function routeRows(ir: ProjectIR): string[] {
  const paths = (openapiDocument(ir).paths ?? {}) as Record<string, Record<string, { summary?: string }>>;
  const rows: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of ["get", "post"] as const) {
      const op = item[method];
      if (op) rows.push(tableRow([method.toUpperCase(), code(path), markdownInline(op.summary ?? "")]));
    }
  }
  return rows;
}

function targetText(t: CompileTargetIR): string {
  if (t.kind === "onnx") return `ONNX, graph optimization ${code(t.optimization)}`;
  const batch = t.dynamicBatch ? "dynamic batch" : "fixed batch";
  return `AWS Neuron ${code(t.instance)}, batch ${t.batchSize}, length ${t.maxLength}, ${batch}`;
}

/** Bullet lines saying where the served model comes from and how it is versioned. */
export function provenanceLines(ir: ProjectIR): string[] {
  const key = ir.key;
  const lines: string[] = [];
  if (ir.kind === "App") {
    const src = ir.model.source;
    const where = src?.uri.startsWith("file://") ? `, a path relative to ${code(ir.specPath.replace(/[^/]*$/, ""))}` : "";
    const pin = src?.sha256 ? `, pinned by sha256 ${code(src.sha256)}` : "";
    lines.push(`The model is maintained outside mesh: ${src ? code(src.uri) : "see the spec"}${where}${pin}.`);
  }
  if (ir.train) {
    const operand = (g: (typeof ir.train.gates)[number]) => (g.alias === undefined ? String(g.value) : g.value === 0 ? g.alias : `${g.alias} ${g.value < 0 ? "-" : "+"} ${Math.abs(g.value)}`);
    const gates = ir.train.gates
      .filter((g) => g.alias === undefined)
      .map((g) => code(`${g.metric} ${g.op} ${operand(g)}`))
      .join(", ");
    const relative = ir.train.gates
      .filter((g) => g.alias !== undefined)
      .map((g) => code(`${g.metric} ${g.op} ${operand(g)}`))
      .join(", ");
    lines.push(
      `${code("train")} (${code(ir.train.trainer)}) registers ${code(`${key}-TRAINED-<n>`)} under ${code(`${ir.name}/models/${key}-TRAINED/<n>/`)}` +
        (gates ? `, only when ${gates} holds on the test split.` : "."),
    );
    if (relative || ir.train.promote) {
      lines.push(
        (relative ? `Compared with the aliased version (${relative}): a worse model is registered but not promoted.` : "") +
          (ir.train.promote ? `${relative ? " " : ""}A run whose gates all pass points the alias ${code(ir.train.promote)} at its new version (\`mesh registry aliases ${ir.name}\`).` : ""),
      );
    }
  }
  if (ir.compile) {
    const v = ir.compile.validate;
    lines.push(
      `${code("compile")} registers ${code(`${key}-COMPILED-<n>`)} (parent: the trained version) for ${ir.compile.targets.map(targetText).join("; ")}, ` +
        `after matching the golden predictions on ${v.samples} samples (atol ${v.atol}, rtol ${v.rtol}).`,
    );
  }
  if (ir.kind === "Project") lines.push(`${code("serve")} loads the newest compiled version, else the newest trained one.`);
  lines.push(
    ir.serve.image.model === "baked"
      ? "The serve image carries its model (baked in at build time, immutable)."
      : "The serve image downloads its model from the registry when it starts (MESH_REGISTRY).",
  );
  if (hasNeuronTarget(ir)) {
    lines.push(
      `${code("make compile-neuron")} needs an Inferentia/Trainium host (${code("/dev/neuron0")}); ${code("make compile-neuron-cpu")} traces the same shapes on CPU and is what runs without one. ` +
        `In compose the Neuron compile has its own profiles, so ${code("up")} never needs the device: ${code("docker compose --profile dev --profile dev-neuron up compile-neuron")}.`,
    );
  }
  return lines.map((l) => `- ${l}`);
}

/** `| environment | registry | image tag | serve port |` rows. */
export function environmentRows(ir: ProjectIR): string[] {
  return ir.environments.map((e) => tableRow([code(e.name), code(e.registry), code(e.imageTag), String(e.serve.hostPort)]));
}
