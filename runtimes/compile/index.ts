/**
 * Compile: a trained version → `<KEY>-COMPILED-<n>` per target. Downloads the trained
 * version (checksums verified), compiles it, validates the result against the parent's
 * golden predictions on `validate.samples` rows (atol/rtol from the spec; max |Δ|
 * reported), publishes the compiled version with its own test files and a card naming
 * its parent, then appends the child to the parent's lineage record. A failed validation
 * registers nothing. Skipped when the newest compiled version for the same target was
 * made from the same inputs (trained model hash + target + validation settings).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { canonicalJson, inputsHash } from "../support/canonical-json.js";
import { LifecycleError, reason } from "../lifecycle/errors.js";
import type { Log } from "../lifecycle/progress.js";
import type { FeatureSpec } from "../features/index.js";
import { modelId, type ModelCard, type ModelRef, type Registry } from "../registry/types.js";
import { goldenFiles, parseGolden } from "../train/golden.js";
import { OnnxLoadError } from "../train/onnx-run.js";
import { checkParity } from "./parity.js";
import { describeTarget, targetCompiler, TargetUnavailableError } from "./targets.js";
import type { CompileConfig, CompileTarget } from "./types.js";

export type { CompileConfig, CompileTarget, CompiledArtifact, NeuronTarget, TargetCompiler, TargetInput } from "./types.js";
export { REMOTE_TARGET_KINDS, TARGET_COMPILERS, describeTarget, selectTargets } from "./targets.js";

export interface CompileContext {
  readonly project: string;
  readonly key: string;
  readonly specHash: string;
  readonly toolVersion: string;
  readonly registry: Registry;
  readonly log: Log;
  /** Scratch space (default: the OS temp folder); removed after each target. */
  readonly workRoot?: string;
}

export interface CompileResult {
  readonly ref: ModelRef;
  readonly card: ModelCard;
  readonly skipped: boolean;
  readonly maxAbsDiff?: number;
}

export function compileInputsHash(trained: ModelCard, target: CompileTarget, validate: CompileConfig["validate"]): string {
  return inputsHash({ step: "compile", model: trained.files["model.onnx"] ?? trained.id, target, validate });
}

/** The newest compiled version made for `target` (any parent), with its card. */
async function latestForTarget(ctx: CompileContext, target: CompileTarget): Promise<{ ref: ModelRef; card: ModelCard } | undefined> {
  const versions = await ctx.registry.listModelVersions(ctx.project, ctx.key, "COMPILED");
  const want = canonicalJson(target);
  for (const version of [...versions].reverse()) {
    const ref: ModelRef = { project: ctx.project, key: ctx.key, stage: "COMPILED", version };
    const card = await ctx.registry.readModelCard(ref);
    if (canonicalJson(card.target ?? {}) === want) return { ref, card };
  }
  return undefined;
}

function featuresOf(card: ModelCard): FeatureSpec {
  const f = card.params.features as FeatureSpec | undefined;
  if (!f || (f.kind !== "hashed-ngrams" && f.kind !== "standardize")) throw new LifecycleError("compile", `${card.id} has no featurizer settings on its card`);
  return f;
}

export async function compileTarget(
  cfg: CompileConfig,
  target: CompileTarget,
  ctx: CompileContext,
  trained: { readonly ref: ModelRef; readonly card: ModelCard },
  opts: { force?: boolean } = {},
): Promise<CompileResult> {
  const hash = compileInputsHash(trained.card, target, cfg.validate);
  const latest = await latestForTarget(ctx, target);
  if (!opts.force && latest?.card.inputsHash === hash) return { ...latest, skipped: true };

  const parentId = modelId(trained.ref);
  const scratch = fs.mkdtempSync(path.join(ctx.workRoot ?? os.tmpdir(), `mesh-compile-${ctx.project}-`));
  let artifact;
  try {
    const compiler = targetCompiler(target);
    const trainedDir = path.join(scratch, "trained");
    fs.mkdirSync(trainedDir, { recursive: true });
    await ctx.registry.downloadModel(trained.ref, trainedDir);
    const golden = parseGolden(fs.readFileSync(path.join(trainedDir, "test_files/inputs.json")), fs.readFileSync(path.join(trainedDir, "test_files/predictions.json")));
    const n = Math.min(cfg.validate.samples, golden.inputs.length);
    if (n === 0) throw new LifecycleError("compile", `${parentId} has no golden samples to validate against`);
    if (n < cfg.validate.samples) ctx.log(`  note: ${parentId} holds ${golden.inputs.length} golden rows; validating on all of them (validate.samples = ${cfg.validate.samples})`);
    const workDir = path.join(scratch, "out");
    fs.mkdirSync(workDir);
    artifact = await compiler({ target, trainedDir, workDir, features: featuresOf(trained.card), log: ctx.log });
    const inputs = golden.inputs.slice(0, n);
    const predictions = await artifact.predict(inputs);
    const parity = checkParity(predictions, golden.predictions.slice(0, n), cfg.validate.atol, cfg.validate.rtol);
    ctx.log(`  ${describeTarget(target)}: max |Δ| ${parity.maxAbsDiff.toExponential(2)} against ${parentId}'s golden predictions on ${n} rows (atol ${cfg.validate.atol}, rtol ${cfg.validate.rtol})`);
    if (!parity.ok) {
      const w = parity.worst;
      throw new LifecycleError(
        "compile",
        `${describeTarget(target)} of ${parentId} failed validation: max |Δ| ${parity.maxAbsDiff.toExponential(2)} exceeds atol ${cfg.validate.atol} + rtol ${cfg.validate.rtol}${w ? ` (row ${w.row + 1}, class ${w.column + 1}: got ${w.got}, golden ${w.want})` : ""}; nothing was registered`,
      );
    }
    const card: Omit<ModelCard, "id" | "files" | "createdAt"> = {
      type: "compiled",
      project: ctx.project,
      specHash: ctx.specHash,
      ...(trained.card.dataset ? { dataset: trained.card.dataset } : {}),
      params: { ...trained.card.params, compile: { target, validate: cfg.validate, ...artifact.details } },
      metrics: { ...trained.card.metrics, validation: { rows: n, maxAbsDiff: parity.maxAbsDiff, atol: cfg.validate.atol, rtol: cfg.validate.rtol } },
      parent: parentId,
      target: target as unknown as Record<string, unknown>,
      toolVersion: ctx.toolVersion,
      inputsHash: hash,
    };
    // Its own test files: the validated inputs and what the compiled model answers for them.
    const files = { ...artifact.files, ...goldenFiles(inputs, predictions) };
    const ref = await ctx.registry.publishModel(ctx.project, ctx.key, "COMPILED", files, card);
    await ctx.registry.appendChild(trained.ref, ref);
    return { ref, card: await ctx.registry.readModelCard(ref), skipped: false, maxAbsDiff: parity.maxAbsDiff };
  } catch (err) {
    if (err instanceof LifecycleError) throw err;
    if (err instanceof TargetUnavailableError || err instanceof OnnxLoadError) throw new LifecycleError("compile", `${parentId}: ${err.message}`);
    if ((err as Error)?.name === "RegistryError") throw new LifecycleError("compile", (err as Error).message);
    throw new LifecycleError("compile", `compiling ${parentId} for ${describeTarget(target)} failed: ${reason(err)}`, { cause: err });
  } finally {
    await artifact?.close().catch(() => {});
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
