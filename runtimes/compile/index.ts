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
import { emitProgress, type Log } from "../lifecycle/progress.js";
import type { FeatureSpec } from "../features/index.js";
import type { TransformerServing } from "../transformers/config.js";
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
  // Every file of the parent: a transformer's tokenizer is as much the model as its graph.
  return inputsHash({ step: "compile", model: trained.files["model.onnx"] ?? trained.id, files: trained.files, target, validate });
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

/** What the compiler needs to run the parent: its featurizer, or for a transformer its task settings. */
function modelOf(card: ModelCard): { features: FeatureSpec } | { transformer: TransformerServing } {
  const t = card.params["transformer"] as TransformerServing | undefined;
  if (card.params["trainer"] === "pretrained" && t && typeof t.task === "string") return { transformer: t };
  const f = card.params.features as FeatureSpec | undefined;
  if (!f || (f.kind !== "hashed-ngrams" && f.kind !== "standardize")) throw new LifecycleError("compile", `${card.id} has no featurizer settings on its card`);
  return { features: f };
}

/** Argmax of each row (a token classifier's rows are tokens × labels, compared per token). */
function labelAgreement(got: readonly (readonly number[])[], want: readonly (readonly number[])[], width: number): number {
  let same = 0;
  let total = 0;
  const argmax = (row: readonly number[], from: number) => {
    let best = from;
    for (let j = from + 1; j < from + width; j++) if (row[j]! > row[best]!) best = j;
    return best - from;
  };
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i] ?? [];
    for (let k = 0; k + width <= w.length; k += width) {
      total++;
      if (g.length === w.length && argmax(g, k) === argmax(w, k)) same++;
    }
  }
  return total === 0 ? 1 : same / total;
}

const modelIsPretrained = (card: ModelCard) => card.params["trainer"] === "pretrained";

export async function compileTarget(
  cfg: CompileConfig,
  target: CompileTarget,
  ctx: CompileContext,
  trained: { readonly ref: ModelRef; readonly card: ModelCard },
  opts: { force?: boolean } = {},
): Promise<CompileResult> {
  const validate = ("validate" in target && target.validate) || cfg.validate;
  const hash = compileInputsHash(trained.card, target, validate);
  const latest = await latestForTarget(ctx, target);
  if (!opts.force && latest?.card.inputsHash === hash) return { ...latest, skipped: true };

  const parentId = modelId(trained.ref);
  // Four stages a person can watch: download the parent, compile, validate against its golden rows, publish.
  const stage = (done: number, name: string, fields: Record<string, string | number> = {}) => {
    if (ctx.log.progress) emitProgress(ctx.log, { task: "compile", label: describeTarget(target), unit: "steps", done, total: 4, fields: { step: name, ...fields }, final: done === 4 });
  };
  const scratch = fs.mkdtempSync(path.join(ctx.workRoot ?? os.tmpdir(), `mesh-compile-${ctx.project}-`));
  let artifact;
  try {
    const compiler = targetCompiler(target);
    const trainedDir = path.join(scratch, "trained");
    fs.mkdirSync(trainedDir, { recursive: true });
    stage(0, `download ${parentId}`);
    await ctx.registry.downloadModel(trained.ref, trainedDir);
    const golden = parseGolden(fs.readFileSync(path.join(trainedDir, "test_files/inputs.json")), fs.readFileSync(path.join(trainedDir, "test_files/predictions.json")));
    const n = Math.min(validate.samples, golden.inputs.length);
    if (n === 0) throw new LifecycleError("compile", `${parentId} has no golden samples to validate against`);
    if (n < validate.samples && !modelIsPretrained(trained.card))
      ctx.log(`  note: ${parentId} holds ${golden.inputs.length} golden rows; validating on all of them (validate.samples = ${validate.samples})`);
    const workDir = path.join(scratch, "out");
    fs.mkdirSync(workDir);
    const model = modelOf(trained.card);
    stage(1, "compile");
    artifact = await compiler({ target, trainedDir, workDir, ...model, log: ctx.log });
    const inputs = golden.inputs.slice(0, n);
    stage(2, `validate on ${n} golden rows`);
    const predictions = await artifact.predict(inputs);
    const parity = checkParity(predictions, golden.predictions.slice(0, n), validate.atol, validate.rtol);
    // Labels are what users see: an embedding has none, a classifier's rows are its label width.
    const labels = (trained.card.params["labels"] as readonly string[] | undefined) ?? [];
    const agreement = labels.length > 1 ? labelAgreement(predictions, golden.predictions.slice(0, n), labels.length) : 1;
    const minAgreement = validate.minLabelAgreement ?? 1;
    ctx.log(
      `  ${describeTarget(target)}: max |Δ| ${parity.maxAbsDiff.toExponential(2)} against ${parentId}'s golden predictions on ${n} rows (atol ${validate.atol}, rtol ${validate.rtol}); labels agree on ${(agreement * 100).toFixed(2)} %`,
    );
    if (!parity.ok) {
      const w = parity.worst;
      throw new LifecycleError(
        "compile",
        `${describeTarget(target)} of ${parentId} failed validation: max |Δ| ${parity.maxAbsDiff.toExponential(2)} exceeds atol ${validate.atol} + rtol ${validate.rtol}${w ? ` (row ${w.row + 1}, ${modelIsPretrained(trained.card) ? "value" : "class"} ${w.column + 1}: got ${w.got}, golden ${w.want})` : ""}; nothing was registered`,
        { gate: true },
      );
    }
    if (agreement < minAgreement) {
      throw new LifecycleError(
        "compile",
        `${describeTarget(target)} of ${parentId} failed validation: labels agree on ${(agreement * 100).toFixed(2)} % of golden rows, below min_label_agreement ${minAgreement}; nothing was registered`,
        { gate: true },
      );
    }
    const card: Omit<ModelCard, "id" | "files" | "createdAt"> = {
      type: "compiled",
      project: ctx.project,
      specHash: ctx.specHash,
      ...(trained.card.dataset ? { dataset: trained.card.dataset } : {}),
      params: { ...trained.card.params, compile: { target, validate, ...artifact.details } },
      metrics: { ...trained.card.metrics, validation: { rows: n, maxAbsDiff: parity.maxAbsDiff, labelAgreement: agreement, atol: validate.atol, rtol: validate.rtol } },
      parent: parentId,
      target: target as unknown as Record<string, unknown>,
      toolVersion: ctx.toolVersion,
      inputsHash: hash,
    };
    // Its own test files: the validated inputs and what the compiled model answers for them.
    const files = { ...artifact.files, ...goldenFiles(inputs, predictions) };
    stage(3, "publish", { "max |Δ|": parity.maxAbsDiff.toExponential(2), "labels agree": `${(agreement * 100).toFixed(2)} %` });
    const ref = await ctx.registry.publishModel(ctx.project, ctx.key, "COMPILED", files, card);
    await ctx.registry.appendChild(trained.ref, ref);
    stage(4, `published ${modelId(ref)}`, { "max |Δ|": parity.maxAbsDiff.toExponential(2), "labels agree": `${(agreement * 100).toFixed(2)} %` });
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
