/**
 * Stages one step image's build context, in memory as a list of entries (see layout.ts for
 * the roots): the rendered Dockerfile and .dockerignore (the same text `mesh generate` writes
 * to out/<name>/<step>/), then exactly what the Dockerfile COPYs, filtered through the
 * .dockerignore, which must leave every COPY root non-empty.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import ignoreModule from "@balena/dockerignore";
import type { ProjectIR, StepName } from "../ir.js";
import { dockerignore } from "../../generators/dockerfile/dockerignore.js";
import { contextRoots, ingestsNpm, type ContextRoot } from "../../generators/dockerfile/layout.js";
import { lintDockerfile } from "../../generators/dockerfile/lint.js";
import { renderDockerfile } from "../../generators/dockerfile/render.js";
import { stepDockerfile } from "../../generators/dockerfile/step-image.js";
import { textEntry, treeEntries, type ContextEntry } from "./context.js";
import { BuildError } from "./errors.js";
import type { ModelPick } from "./model-source.js";
import { servePayload } from "./core-images.js";
import { importSpecifiers, packageName } from "./module-graph.js";
import { depsEntries } from "./stage-files.js";

// A CommonJS package whose typings declare an ES default export: take whichever is callable.
type IgnoreFactory = (o?: { ignorecase?: boolean }) => { add(patterns: string): { ignores(path: string): boolean } };
const createIgnore = ((ignoreModule as unknown as { default?: IgnoreFactory }).default ?? ignoreModule) as unknown as IgnoreFactory;

export interface StagedContext {
  readonly dockerfile: string;
  readonly entries: readonly ContextEntry[];
}

/** The generated server's JavaScript (in memory, from the same generator as `mesh generate`). */
async function serveSources(ir: ProjectIR): Promise<{ path: string; contents: string }[]> {
  // Loaded on demand: the generators pull in ts-morph, which only the serve image needs.
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

function lifecycleRoots(root: string, ir: ProjectIR, step: StepName): Map<ContextRoot, ContextEntry[]> {
  const entries = new Map<ContextRoot, ContextEntry[]>();
  const source = step === "ingest" && ingestsNpm(ir) ? sourcePackage(ir) : undefined;
  if (source) entries.set("deps", depsEntries(root, [source], true));
  const specDir = ir.specPath.split("/").slice(0, -1).join("/");
  const workspace = treeEntries(join(root, specDir), `workspace/${specDir}`, (r) => r === "project.yaml");
  if (existsSync(join(root, "mesh.yaml"))) workspace.push(...treeEntries(root, "workspace", (r) => r === "mesh.yaml"));
  entries.set("workspace", workspace);
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
  for (const r of contextRoots(ir, step)) {
    const kept = (roots.get(r) ?? []).filter((e) => !ignore.ignores(e.path));
    if (kept.length === 0) throw new BuildError(`the ${step} image's context root ${r}/ is empty after .dockerignore; the Dockerfile COPYs it`);
    entries.push(...kept);
  }
  return { dockerfile, entries };
}
