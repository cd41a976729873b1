/**
 * Builds one step image: stage the context, name it by content hash
 * (`<prefix/><name>-<step>:<12 hex>` + `:latest`), skip when that exact image exists, build
 * otherwise, then hold the serve image to its size budget and push when asked.
 */
import type Docker from "dockerode";
import { execFileSync } from "node:child_process";
import type { ProjectIR, StepName } from "../ir.js";
import { sha256Hex } from "../../generators/support/canonical-json.js";
import { BUILD_ARGS, LABELS } from "../../generators/support/image-layout.js";
import { contextBytes, contextHash, contextTar, snapshot } from "./context.js";
import { inspectImage } from "./docker-client.js";
import { BuildError } from "./errors.js";
import type { ModelPick } from "./model-source.js";
import { runBuild, type ProgressSink } from "./run-build.js";
import { stageStep } from "./stage-step.js";

export interface StepBuildOptions {
  readonly root: string;
  readonly ir: ProjectIR;
  readonly step: StepName;
  readonly model?: ModelPick;
  /** The content-tagged core runtime image the step starts FROM (mesh-serve or mesh-train). */
  readonly runtimeImage: string;
  readonly noCache?: boolean;
  readonly push?: boolean;
  /** Overrides `serve.image.max_mb` (tests). */
  readonly maxMb?: number;
  readonly progress: ProgressSink;
}

export interface StepBuildResult {
  readonly step: StepName;
  /** `<prefix/><name>-<step>` */
  readonly repository: string;
  readonly tag: string;
  readonly imageId: string;
  readonly contentHash: string;
  readonly status: "built" | "up to date";
  readonly sizeMb: number;
  readonly seconds: number;
}

/** `<prefix/><name>-<step>`, the naming rule shared with the generated Makefile and compose file. */
export function imageRepository(ir: ProjectIR, step: StepName): string {
  const image = ir.stepImages.find((s) => s.step === step);
  if (!image) throw new BuildError(`${ir.name} has no ${step} step`);
  return image.image;
}

/** Short git revision of the workspace, or "unknown" outside a repository. */
function gitRevision(root: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || "unknown";
  } catch {
    return "unknown";
  }
}

const toMb = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;

async function checkBudget(docker: Docker, opts: StepBuildOptions, ref: string, latest: string, sizeMb: number): Promise<void> {
  if (opts.step !== "serve") return;
  const budget = opts.maxMb ?? opts.ir.serve.image.maxMb;
  if (sizeMb <= budget) return;
  // Untag, so the next build does not call an over-budget image "up to date"; layers stay cached.
  for (const r of [latest, ref])
    await docker
      .getImage(r)
      .remove({ noprune: true })
      .catch(() => undefined);
  throw new BuildError(`the ${opts.ir.name} serve image is ${sizeMb} MB, ${Math.round((sizeMb - budget) * 10) / 10} MB over its budget of ${budget} MB (serve.image.max_mb)`);
}

async function push(docker: Docker, repository: string, tag: string, progress: ProgressSink): Promise<void> {
  if (!repository.includes("/")) throw new BuildError("--push needs a registry prefix: set images.prefix in mesh.yaml (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/mesh)");
  for (const t of [tag, "latest"]) {
    progress(`pushing ${repository}:${t}`);
    const stream = await docker.getImage(`${repository}:${t}`).push({ tag: t });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = out?.find((o) => o.error);
        if (err || failed) return reject(new BuildError(`push of ${repository}:${t} failed: ${err?.message ?? failed?.error}`));
        resolve();
      }),
    );
  }
}

export async function buildStep(docker: Docker, opts: StepBuildOptions): Promise<StepBuildResult> {
  const started = Date.now();
  const staged = await stageStep(opts.root, opts.ir, opts.step, opts.model);
  const entries = snapshot(staged.entries);
  // The runtime image is chosen by a build ARG, not by the context: it is part of the identity.
  const hash = sha256Hex(`${contextHash(entries)}\n${opts.runtimeImage}`);
  const repository = imageRepository(opts.ir, opts.step);
  const tag = hash.slice(0, 12);
  const ref = `${repository}:${tag}`;
  const latest = `${repository}:latest`;
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;

  const existing = opts.noCache ? undefined : await inspectImage(docker, ref);
  let imageId: string;
  let status: StepBuildResult["status"];
  if (existing?.Config?.Labels?.[LABELS.contentHash] === hash) {
    imageId = existing.Id;
    status = "up to date";
  } else {
    opts.progress(`building ${ref} (context: ${entries.length} files, ${toMb(contextBytes(entries))} MB)`);
    imageId = await runBuild(
      docker,
      {
        context: contextTar(entries),
        tag: ref,
        buildArgs: {
          [BUILD_ARGS.runtimeImage]: opts.runtimeImage,
          [BUILD_ARGS.imageTag]: tag,
          [BUILD_ARGS.revision]: gitRevision(opts.root),
          [BUILD_ARGS.contentHash]: hash,
          ...(opts.step === "serve" ? { [BUILD_ARGS.modelVersion]: opts.model?.version ?? "download" } : {}),
        },
        labels: {},
        noCache: opts.noCache ?? false,
      },
      opts.progress,
    );
    status = "built";
  }
  await docker.getImage(imageId).tag({ repo: repository, tag: "latest" });
  const info = await inspectImage(docker, ref);
  const sizeMb = toMb(info?.Size ?? 0);
  await checkBudget(docker, opts, ref, latest, sizeMb);
  if (opts.push) await push(docker, repository, tag, opts.progress);
  return { step: opts.step, repository, tag, imageId, contentHash: hash, status, sizeMb, seconds: seconds() };
}
