/**
 * `serve/definition.ts`: the `ServiceDefinition` of one project — the seam the server
 * library (`runtimes/serve`) runs. It wires the decoder (built from the OpenAPI document), the shared featurizer
 * (the very code the trainer used), response shaping and the embedded OpenAPI document.
 */
import type { FieldRule, ProjectIR, TransformerIR } from "../../compiler/ir.js";
import { doc, functionText, importText, indent, moduleText, ty } from "../support/typed-code.js";
import { respondPlanOf } from "../support/respond-plan.js";
import { key } from "../support/ts-api-types.js";

const lit = (v: unknown): string => JSON.stringify(v);

function featureSpec(ir: ProjectIR): string | undefined {
  const f = ir.model.features;
  if (!f) return undefined;
  if (f.kind === "standardize") return lit({ kind: f.kind, columns: f.columns });
  return lit({ kind: f.kind, input: f.input, dims: f.dims, ngrams: f.ngrams, lowercase: f.lowercase, maxChars: f.maxChars });
}

function valueExpr(rule: FieldRule, labels: readonly string[]): string {
  switch (rule.rule) {
    case "label":
      return "LABELS[best] ?? String(best)";
    case "score":
      return "output[base + best] ?? 0";
    case "scores":
      return `{ ${labels.map((l, j) => `${key(l)}: output[base + ${j}] ?? 0`).join(", ")} }`;
    case "row":
      return "Array.from(output.subarray(base, base + width))";
  }
}

function pickStatements(ir: ProjectIR, threshold: boolean): string[] {
  if (threshold) {
    return ["// Binary task: the positive (second) label wins once its probability reaches the threshold.", 'const best = (output[base + 1] ?? 0) >= (parameters["threshold"] ?? 0.5) ? 1 : 0;'];
  }
  if (ir.model.labels.length === 0) return [];
  return ["let best = 0;", "for (let j = 1; j < width; j++) if ((output[base + j] ?? 0) > (output[base + best] ?? 0)) best = j;"];
}

/** The fields every definition starts and ends with (see runtimes/serve/definition.ts). */
function head(ir: ProjectIR, labels: string): string[] {
  return [`name: ${lit(ir.name)},`, `basePath: ${lit(ir.serve.api.basePath)},`, `labels: ${labels},`, `inputs: ${lit(ir.model.inputs)},`, `outputs: ${lit(ir.model.outputs)},`, "decode,"];
}
const tail = (ir: ProjectIR): string[] => ["openapi: OPENAPI,", `specHash: ${lit(ir.specHash)},`, `meshVersion: ${lit(ir.meshVersion)},`];

/** Transformer tasks: the library runs tokenizer, batching and the task; the code is data. */
function transformerDefinition(ir: ProjectIR, transformer: TransformerIR): string {
  const { source: _source, ...serving } = transformer;
  return moduleText([
    [
      importText(["TransformerServiceDefinition"], "mesh/runtimes/serve/definition.js", true),
      importText(["decode"], "./decode.js"),
      importText(["OPENAPI"], "./openapi.js"),
      importText(["DecodedRequest"], "./types.js", true),
    ].join("\n"),
    [
      doc(`The served API of ${ir.name}: decode → tokenize → model → ${serving.task}.`),
      `export const definition${ty(": TransformerServiceDefinition<DecodedRequest>")} = {`,
      ...indent([...head(ir, lit(ir.model.labels)), `transformer: ${lit(serving)},`, ...tail(ir)]),
      "};",
    ].join("\n"),
  ]);
}

export function definitionModule(ir: ProjectIR): string {
  if (ir.model.transformer) return transformerDefinition(ir, ir.model.transformer);
  const plan = respondPlanOf(ir);
  const features = featureSpec(ir);
  const imports = [
    importText(["TensorServiceDefinition"], "mesh/runtimes/serve/definition.js", true),
    ...(features ? [importText(["createFeaturizer"], "mesh/runtimes/features/index.js")] : []),
    importText(["decode"], "./decode.js"),
    importText(["OPENAPI"], "./openapi.js"),
    importText(["BatchResponseAttributes", "DecodedRequest", "ResolvedParameters", "ResponseAttributes"], "./types.js", true),
  ];
  const constants = [
    `const LABELS${ty(": readonly string[]")} = ${lit(plan.labels)};`,
    ...(features ? [doc("The featurizer shared with the trainer: serving can never featurize differently."), `const featurizer = createFeaturizer(${features});`] : []),
  ];

  const row = plan.fields.map((f) => `  ${key(f.field)}: ${valueExpr(f, plan.labels)}`).join(",\n");
  const respondRow = functionText({
    name: "respondRow",
    doc: "Response attributes of one row; `base` is the row's offset in `output`.",
    params: [
      ["output", "Float32Array"],
      ["base", "number"],
      ["width", "number"],
      ["parameters", "ResolvedParameters"],
    ],
    returns: "ResponseAttributes",
    body: [...pickStatements(ir, plan.threshold), `return {\n${row}\n};`],
  });

  const input = ir.model.inputs[0];
  const appField = ir.serve.api.attributes.find((a) => a.name === input?.name) ?? ir.serve.api.attributes[0];
  const bang = ty("!");
  const encode = features ? [`featurizer.encode(value.rows[row]${bang}, out, offset);`] : appField ? [`out.set(value.rows[row]${bang}[${key(appField.name)}]${ty(" as number[]")}, offset);`] : [];
  const batchInit = plan.fields.map((f) => `${key(f.field)}: []`).join(", ");
  const pushes = plan.fields.map((f) => `out[${key(f.field)}].push(one[${key(f.field)}]);`);
  const members = [
    ...head(ir, "LABELS"),
    "encode(value, row, out, offset) {",
    ...indent(encode),
    "},",
    "respond(decoded, output, width) {",
    ...indent([
      "const { parameters } = decoded.value;",
      "if (!decoded.batch) return respondRow(output, 0, width, parameters);",
      `const out${ty(": BatchResponseAttributes")} = { ${batchInit} };`,
      "for (let r = 0; r < decoded.rows; r++) {",
      ...indent(["const one = respondRow(output, r * width, width, parameters);", ...pushes]),
      "}",
      "return out;",
    ]),
    "},",
    ...tail(ir),
  ];
  return moduleText([
    imports.join("\n"),
    constants.join("\n"),
    respondRow,
    [
      doc(`The served API of ${ir.name}: decode → encode → model → respond.`),
      `export const definition${ty(": TensorServiceDefinition<DecodedRequest, ResponseAttributes | BatchResponseAttributes>")} = {`,
      ...indent(members),
      "};",
    ].join("\n"),
  ]);
}
