/**
 * `mesh images build|ls`: the core images of runtimes/images/lineage.ts in topological order.
 * A child starts FROM its parent's content tag, so its own hash changes when the parent's
 * does. Neuron images are rendered and linted always, built only when their AWS base image is
 * on the engine (it cannot be pulled offline) — and the output says so.
 */
import type Docker from "dockerode";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ImagesIR } from "../ir.js";
import { DEFAULTS } from "../lower/defaults.js";
import type { WorkspaceSpec } from "../../schemas/workspace.js";
import { ancestry, CORE_IMAGES, topologicalOrder, type CoreImage } from "../../runtimes/images/lineage.js";
import { coreContextRoots, coreDockerfile } from "../../generators/dockerfile/core-image.js";
import { LABELS } from "../../generators/support/image-layout.js";
import { sha256Hex } from "../../generators/support/canonical-json.js";
import { lintDockerfile } from "../../generators/dockerfile/lint.js";
import { renderDockerfile } from "../../generators/support/dockerfile-render.js";
import { contextHash, contextTar, fingerprint, snapshot, textEntry, type ContextEntry } from "./context.js";
import { cachedHash, rememberHash } from "./hash-cache.js";
import { inspectImage } from "./docker-client.js";
import { BuildError } from "./errors.js";
import { moduleGraph } from "./module-graph.js";
import { runBuild, type ProgressSink } from "./run-build.js";
import { depsEntries, meshEntries, requireDist } from "./stage-files.js";

export type CoreImagesSettings = Pick<ImagesIR, "prefix" | "base" | "neuronCompile" | "neuronInference">;

/** The workspace's image settings (mesh.yaml `images`), with the defaults of lower/defaults.ts. */
export function workspaceImages(ws: WorkspaceSpec | undefined): CoreImagesSettings {
  const d = DEFAULTS.images;
  return {
    prefix: ws?.images?.prefix ?? d.prefix,
    base: ws?.images?.base ?? d.base,
    neuronCompile: ws?.images?.neuron_compile ?? d.neuronCompile,
    neuronInference: ws?.images?.neuron_inference ?? d.neuronInference,
  };
}

export interface CoreImageResult {
  readonly name: string;
  readonly ref: string;
  readonly status: "built" | "up to date" | "not buildable here";
  readonly dockerfile: string;
  readonly note?: string;
}

const repo = (images: { prefix: string }, name: string) => `${images.prefix ? `${images.prefix}/` : ""}${name}`;

/** Entry modules of the serve runtime image: what generated serving code may import. */
const SERVE_ENTRIES = ["runtimes/serve/index.js", "runtimes/serve/request-contract.js", "runtimes/features/index.js", "runtimes/registry/index.js"];

/** The compiled files (absolute) and packages mesh-serve carries. */
export function servePayload(root: string): { files: string[]; packages: string[] } {
  requireDist(root, SERVE_ENTRIES[0]!);
  return moduleGraph(
    root,
    SERVE_ENTRIES.map((e) => join(root, "dist", e)),
  );
}

/** Entry module of the lifecycle image: step images run it; it imports the lifecycle runtimes and nothing of the compiler. */
const LIFECYCLE_ENTRIES = ["runtimes/lifecycle/step-main.js"];

/**
 * The compiled files (absolute) and packages mesh-train carries: exactly what step-main
 * imports, plus the Python programs beside those modules (the Neuron CPU compile runs them).
 */
export function lifecyclePayload(root: string): { files: string[]; packages: string[] } {
  requireDist(root, LIFECYCLE_ENTRIES[0]!);
  const graph = moduleGraph(
    root,
    LIFECYCLE_ENTRIES.map((e) => join(root, "dist", e)),
  );
  const assets = [...new Set(graph.files.map((f) => dirname(f)))].flatMap((dir) =>
    readdirSync(dir)
      .filter((n) => n.endsWith(".py"))
      .map((n) => join(dir, n)),
  );
  return { files: [...new Set([...graph.files, ...assets])].sort(), packages: graph.packages };
}

function payloadEntries(root: string, image: CoreImage): ContextEntry[] {
  if (image.payload === "serve") {
    const graph = servePayload(root);
    return [...depsEntries(root, graph.packages), ...meshEntries(root, graph.files, false)];
  }
  if (image.payload === "lifecycle") {
    const graph = lifecyclePayload(root);
    return [...depsEntries(root, graph.packages), ...meshEntries(root, graph.files, false)];
  }
  return [];
}

/** Builds (or finds up to date) one core image and its ancestors; returns its content-tagged reference. */
export async function ensureCoreImage(
  docker: Docker,
  root: string,
  images: CoreImagesSettings,
  meshVersion: string,
  name: CoreImage["name"],
  progress: ProgressSink,
  noCache = false,
): Promise<string> {
  const results = await buildCoreImages(docker, root, images, meshVersion, progress, [name], noCache);
  const blocked = results.find((r) => r.status === "not buildable here");
  if (blocked) throw new BuildError(`${blocked.name} cannot be built: ${blocked.note}`);
  const mine = results.find((r) => r.name === name);
  if (!mine) throw new BuildError(`core image ${name} was not built`);
  return mine.ref;
}

/** Renders (and lints) every core image; builds those whose base is present. */
export async function buildCoreImages(
  docker: Docker,
  root: string,
  images: CoreImagesSettings,
  meshVersion: string,
  progress: ProgressSink,
  only?: readonly string[],
  noCache = false,
): Promise<CoreImageResult[]> {
  const built = new Map<string, string>();
  const results: CoreImageResult[] = [];
  // Asking for one image builds its ancestors first.
  const unknown = (only ?? []).filter((n) => !CORE_IMAGES.some((i) => i.name === n));
  if (unknown.length > 0) throw new BuildError(`no core image named ${unknown.join(", ")} (core images: ${CORE_IMAGES.map((i) => i.name).join(", ")})`);
  const targets = new Set(only && only.length > 0 ? only.flatMap((n) => ancestry(n as CoreImage["name"]).map((i) => i.name)) : CORE_IMAGES.map((i) => i.name));
  for (const image of topologicalOrder(CORE_IMAGES).filter((i) => targets.has(i.name))) {
    const parent = image.parent;
    const from = "core" in parent ? (built.get(parent.core) ?? `${repo(images, parent.core)}:latest`) : images[parent.external];
    const dockerfile = renderDockerfile(coreDockerfile({ name: image.name, from, payload: image.payload, doc: image.doc, meshVersion }));
    const findings = lintDockerfile(dockerfile);
    if (findings.length > 0) throw new BuildError(`the ${image.name} Dockerfile fails its checks: ${findings.map((f) => `line ${f.line} ${f.rule} ${f.message}`).join("; ")}`);
    const parentInfo = await inspectImage(docker, from);
    if (!parentInfo) {
      const why =
        image.payload === "python"
          ? `its base ${from} is an AWS Neuron DLC that cannot be pulled offline`
          : `its base ${from} is not on this engine and mesh never pulls during a build (run \`mesh images bootstrap\` offline, or \`docker pull ${from}\`)`;
      results.push({ name: image.name, ref: repo(images, image.name), status: "not buildable here", dockerfile, note: `${why}; Dockerfile rendered and checked` });
      continue;
    }
    const listed = [textEntry("Dockerfile", dockerfile), ...(coreContextRoots(image.payload).length > 0 ? payloadEntries(root, image) : [])];
    // The parent's image id is part of the identity: a re-pulled or re-bootstrapped base
    // (same tag, new content) must rebuild its children.
    const fp = sha256Hex(`${fingerprint(listed)}\n${parentInfo.Id}`);
    const known = cachedHash(root, fp);
    const upToDate = async (h: string) => (await inspectImage(docker, `${repo(images, image.name)}:${h.slice(0, 12)}`))?.Config?.Labels?.[LABELS.contentHash] === h;
    let hash: string;
    let status: CoreImageResult["status"] = "up to date";
    if (!noCache && known !== undefined && (await upToDate(known))) {
      hash = known;
    } else {
      const entries = snapshot(listed);
      hash = sha256Hex(`${contextHash(entries)}\n${parentInfo.Id}`);
      if (noCache || !(await upToDate(hash))) {
        progress(`building ${repo(images, image.name)}:${hash.slice(0, 12)} FROM ${from}`);
        await runBuild(docker, { context: contextTar(entries), tag: `${repo(images, image.name)}:${hash.slice(0, 12)}`, buildArgs: {}, labels: { [LABELS.contentHash]: hash }, noCache }, progress);
        status = "built";
      }
      rememberHash(root, fp, hash);
    }
    const ref = `${repo(images, image.name)}:${hash.slice(0, 12)}`;
    for (const t of ["latest", meshVersion]) await docker.getImage(ref).tag({ repo: repo(images, image.name), tag: t });
    built.set(image.name, ref);
    results.push({ name: image.name, ref, status, dockerfile });
  }
  return results;
}
