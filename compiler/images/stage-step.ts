/**
 * Stages one step image's build context, in memory as a list of entries (see layout.ts for
 * the roots): the rendered Dockerfile and .dockerignore (the same text `mesh generate` writes
 * to out/<name>/<step>/), then exactly what the Dockerfile COPYs, filtered through the
 * .dockerignore, which must leave every COPY root non-empty. The ingest image also carries a
 * workspace-local `file://` source (bounded by INGEST_DATA_MAX_BYTES and the spec's
 * max_bytes), confined to the workspace the same way the ingest step confines its reads.
 */
import { lstatSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import ignoreModule from "@balena/dockerignore";
import type { ProjectIR, StepName } from "../ir.js";
import { dockerignore } from "../../generators/dockerfile/dockerignore.js";
import { contextRoots, INGEST_DATA_MAX_BYTES, ingestsNpm, localIngestSource, STEP_CONFIG_FILE, type ContextRoot } from "../../generators/support/image-layout.js";
import { lintDockerfile } from "../../generators/dockerfile/lint.js";
import { renderDockerfile } from "../../generators/support/dockerfile-render.js";
import { stepDockerfile } from "../../generators/dockerfile/step-image.js";
import { stepConfigJson } from "../../generators/dockerfile/step-config.js";
import { textEntry, treeEntries, type ContextEntry } from "./context.js";
import { BuildError } from "./errors.js";
import type { ModelPick } from "./model-source.js";
import { servePayload } from "./core-images.js";
import { importSpecifiers, packageName } from "./module-graph.js";
import { depsEntries } from "./stage-files.js";
import { confine, isInside } from "../../runtimes/support/paths.js";

// A CommonJS package whose typings declare an ES default export: take whichever is callable.
type IgnoreFactory = (o?: { ignorecase?: boolean }) => { add(patterns: string): { ignores(path: string): boolean } };
const createIgnore = ((ignoreModule as unknown as { default?: IgnoreFactory }).default ?? ignoreModule) as unknown as IgnoreFactory;

export interface StagedContext {
  readonly dockerfile: string;
  readonly entries: readonly ContextEntry[];
}

/** The generated server's JavaScript (in memory, from the same generator as `mesh generate`). */
async function serveSources(ir: ProjectIR): Promise<{ path: string; contents: string }[]> {
  // Loaded on demand: only the serve image needs the generators.
  const { GENERATORS } = await import("../../generators/index.js");
  const serving = GENERATORS["serving"];
  if (!serving) throw new BuildError("this mesh has no serving generator registered, so it cannot build a serve image");
  return serving(ir)
    .filter((f) => /^serve\/[^/]+\.js$/.test(f.path))
    .map((f) => ({ path: f.path, contents: f.contents }));
}

/** The npm package an `npm:` ingest source names (its image carries it). */
function sourcePackage(ir: ProjectIR): string | undefined {
  const uri = ir.ingest?.uri;
  return uri?.startsWith("npm:") ? packageName(uri.slice(4)) : undefined;
}

async function serveRoots(root: string, ir: ProjectIR): Promise<Map<ContextRoot, ContextEntry[]>> {
  const sources = await serveSources(ir);
  // Generated code may only use what the mesh-serve runtime image carries.
  const carried = new Set(servePayload(root).files);
  for (const s of sources) {
    for (const spec of importSpecifiers(s.contents)) {
      const pkg = packageName(spec);
      if (pkg === "mesh" && !carried.has(join(root, "dist", spec.slice("mesh/".length)))) {
        throw new BuildError(`the generated ${s.path} imports ${spec}, which the mesh-serve runtime image does not carry`);
      }
      if (pkg !== undefined && pkg !== "mesh") throw new BuildError(`the generated ${s.path} imports the package ${pkg}; generated serving code may only import mesh runtimes`);
    }
  }
  // ESM needs "type": "module" from the nearest package.json, which in the image is serve/'s own.
  const entries = [...sources.map((s) => textEntry(s.path, s.contents)), textEntry("serve/package.json", '{\n  "private": true,\n  "type": "module"\n}\n')];
  return new Map([["serve", entries]]);
}

const MiB = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/**
 * `workspace/<REL>/…` for a `file://REL` ingest source: the file, or every regular file below
 * the folder (symbolic links, FIFOs and devices are passed over, as the ingest step does).
 * Refused with one sentence when the source is missing, leaves the workspace (after links),
 * is written as an absolute path inside the workspace, or is larger than an image carries.
 */
export function ingestDataEntries(root: string, ir: ProjectIR): ContextEntry[] {
  const uri = ir.ingest?.uri ?? "";
  const workspace = resolve(root);
  const rel = localIngestSource(ir);
  if (rel === undefined) {
    const rest = uri.startsWith("file://") ? uri.slice("file://".length) : "";
    if (rest.startsWith("/") && isInside(workspace, resolve(rest))) {
      const inside = relative(workspace, resolve(rest)).split(sep).join("/");
      throw new BuildError(`the ingest source ${uri} is an absolute path inside the workspace, which the ingest image holds at /app: write it relative to the workspace root (file://${inside})`);
    }
    return [];
  }
  const confined = confine(resolve(workspace, rel), [{ path: workspace, label: `the workspace ${workspace}` }], `the ingest source ${uri}`);
  if (!confined.ok) throw new BuildError(`${confined.message}; the ingest image carries only workspace files`);
  const entries: ContextEntry[] = [];
  const add = (name: string, abs: string, st: { size: number; mtimeMs: number }) => entries.push({ path: `workspace/${name}`, mode: 0o644, size: st.size, localPath: abs, mtimeMs: st.mtimeMs });
  const top = statSync(confined.real);
  if (top.isFile()) add(rel, confined.real, top);
  else if (top.isDirectory()) {
    const walk = (dir: string, prefix: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const abs = join(dir, e.name);
        if (e.isDirectory()) walk(abs, `${prefix}/${e.name}`);
        else if (e.isFile()) add(`${prefix}/${e.name}`, abs, lstatSync(abs));
      }
    };
    walk(confined.real, rel);
  } else throw new BuildError(`the ingest source ${uri} is neither a file nor a folder`);
  const total = entries.reduce((n, e) => n + e.size, 0);
  const maxBytes = ir.ingest?.maxBytes ?? INGEST_DATA_MAX_BYTES;
  const limit = Math.min(maxBytes, INGEST_DATA_MAX_BYTES);
  if (total > limit) {
    const why = limit === maxBytes ? `the spec's ingest.source.max_bytes, ${maxBytes} bytes` : `the most an ingest image carries, ${MiB(INGEST_DATA_MAX_BYTES)}`;
    throw new BuildError(
      `the ingest source ${uri} holds ${MiB(total)} (${total} bytes), more than ${why}: put the data on s3:// or https://, or run the ingest step on the host (mesh run ${ir.name} --only ingest), whose raw snapshot in the registry is what the later step images read`,
    );
  }
  return entries;
}

function lifecycleRoots(root: string, ir: ProjectIR, step: StepName): Map<ContextRoot, ContextEntry[]> {
  const entries = new Map<ContextRoot, ContextEntry[]>();
  const source = step === "ingest" && ingestsNpm(ir) ? sourcePackage(ir) : undefined;
  if (source) entries.set("deps", depsEntries(root, [source], true));
  // No spec and no mesh.yaml: the step runs from step.json. The workspace root holds only data the step reads.
  const specDir = ir.specPath.split("/").slice(0, -1).join("/");
  const workspace: ContextEntry[] = [];
  if (step === "ingest") workspace.push(...ingestDataEntries(root, ir));
  if (step === "train") workspace.push(...pretrainedEntries(root, ir, specDir));
  if (workspace.length > 0) entries.set("workspace", workspace);
  return entries;
}

/**
 * What the train image of a pretrained transformer registers: its model.lock.json and, for a
 * folder in the workspace, exactly the locked files (the step verifies them against the lock
 * again). Remote sources (hf://, s3://) are fetched by the step itself.
 */
function pretrainedEntries(root: string, ir: ProjectIR, specDir: string): ContextEntry[] {
  const t = ir.model.transformer;
  if (!t || ir.train?.trainer !== "pretrained") return [];
  const entries = treeEntries(join(root, specDir), `workspace/${specDir}`, (r) => r === "model.lock.json");
  if (!t.source.uri.startsWith("file://")) return entries;
  const rel = t.source.uri.slice("file://".length);
  const folder = resolve(root, specDir, rel);
  if (!isInside(resolve(root), folder)) throw new BuildError(`the model source ${t.source.uri} lies outside the workspace; the train image carries only workspace files`);
  for (const f of t.source.files) {
    const abs = join(folder, f.path);
    const st = lstatSync(abs);
    if (!st.isFile() || st.size !== f.size) throw new BuildError(`${abs} is not the file model.lock.json pins (${f.size} bytes): run mesh lock ${ir.name}`);
    entries.push({ path: `workspace/${relative(resolve(root), abs).split(sep).join("/")}`, mode: 0o644, size: st.size, localPath: abs, mtimeMs: st.mtimeMs });
  }
  return entries;
}

/** Builds the context of `ir`'s image for `step`; `model` is required for a baked serve image. */
export async function stageStep(root: string, ir: ProjectIR, step: StepName, model?: ModelPick): Promise<StagedContext> {
  const image = ir.stepImages.find((i) => i.step === step);
  if (!image) throw new BuildError(`${ir.name} has no ${step} step (its steps: ${ir.stepImages.map((i) => i.step).join(", ")})`);
  const dockerfile = renderDockerfile(stepDockerfile(ir, image));
  const findings = lintDockerfile(dockerfile);
  if (findings.length > 0) throw new BuildError(`the generated ${step} Dockerfile fails its checks: ${findings.map((f) => `line ${f.line} ${f.rule} ${f.message}`).join("; ")}`);
  const ignoreText = dockerignore(ir, step);
  const needsModel = contextRoots(ir, step).includes("model");
  if (needsModel && !model) throw new BuildError(`the ${ir.name} serve image bakes its model in, and no model was given`);
  const roots = step === "serve" ? await serveRoots(root, ir) : lifecycleRoots(root, ir, step);
  if (needsModel && model) {
    roots.set("model", [
      ...Object.entries(model.files).map(([rel, bytes]) => ({ path: `model/${rel}`, mode: 0o644, size: bytes.length, bytes })),
      { path: "model/card.json", mode: 0o644, size: model.card.length, bytes: model.card },
    ]);
  }
  const ignore = createIgnore({ ignorecase: false }).add(ignoreText);
  const entries: ContextEntry[] = [textEntry("Dockerfile", dockerfile), textEntry(".dockerignore", ignoreText)];
  // The lowered step configuration, the same text `mesh generate` writes beside the Dockerfile.
  if (step !== "serve" && ir.kind === "Project") entries.push(textEntry(STEP_CONFIG_FILE, stepConfigJson(ir, step)));
  for (const r of contextRoots(ir, step)) {
    const kept = (roots.get(r) ?? []).filter((e) => !ignore.ignores(e.path));
    if (kept.length === 0) throw new BuildError(`the ${step} image's context root ${r}/ is empty after .dockerignore; the Dockerfile COPYs it`);
    entries.push(...kept);
  }
  return { dockerfile, entries };
}
