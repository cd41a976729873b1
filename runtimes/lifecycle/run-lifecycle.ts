/**
 * `mesh run`: ingest → register → train → compile, in order, each with a progress line and
 * its timing, each skipped when its inputs did not change. Every step's output is a
 * registry version whose card records the hash of its inputs:
 *
 *   ingest   raw-<n>            source fingerprint + format + columns
 *   register <dataset>-<n>      raw snapshot sha256 + register config
 *   train    <KEY>-TRAINED-<n>  dataset sha256 + train config + model (labels, features)
 *   compile  <KEY>-COMPILED-<n> trained model.onnx sha256 + target + validation settings
 *
 * A step is skipped when the newest version's card carries the same hash, so a second
 * run registers nothing. `only` runs one step from the previous step's newest version in
 * the registry (what the generated Makefile and the step images call).
 */
import { join } from "node:path";
import { compileTarget, describeTarget, REMOTE_TARGET_KINDS, selectTargets } from "../compile/index.js";
import { ingest, latestRaw, type RawSnapshot } from "../ingest/index.js";
import { latestDataset, register } from "../register/index.js";
import type { DatasetCard, DatasetRef, ModelCard, ModelRef } from "../registry/types.js";
import { modelId } from "../registry/types.js";
import { latestModel, train } from "../train/index.js";
import { registerPretrained, type SourceLocation } from "../train/pretrained.js";
import { LIFECYCLE_STEPS, type LifecycleConfig, type LifecycleOptions, type LifecycleStep, type StepOutcome } from "./config.js";
import { LifecycleError, reason } from "./errors.js";
import { promoteIfGatesPass } from "./promote.js";
import { checkRelativeGates, describeRelativeGate, validationMetrics, type RelativeGateResult } from "../train/gates.js";

const short = (sha: string) => sha.slice(0, 12);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Carry {
  raw?: RawSnapshot;
  dataset?: { ref: DatasetRef; card: DatasetCard };
  trained?: { ref: ModelRef; card: ModelCard };
  relative?: readonly RelativeGateResult[];
  compiled?: { ref: ModelRef; card: ModelCard }[];
  /** compile.validate's relative gates, per compiled target. */
  compileRelative?: RelativeGateResult[];
}

type StepRun = (carry: Carry) => Promise<{ status: "done" | "skipped"; detail: string }>;

/** Where a pretrained source is looked up: the workspace, the project folder, the shared download cache. */
function sourceLocation(cfg: LifecycleConfig, opts: LifecycleOptions): SourceLocation {
  return {
    root: opts.root,
    baseDir: join(opts.root, cfg.projectDir ?? "."),
    cacheDir: join(opts.root, ".mesh/cache/models"),
    ...(opts.modelS3 ? { s3: opts.modelS3 } : {}),
  };
}

export async function runLifecycle(cfg: LifecycleConfig, opts: LifecycleOptions): Promise<StepOutcome[]> {
  const { registry, log } = opts;
  const base = { project: cfg.project, registry, log };
  const model = { project: cfg.project, key: cfg.key, specHash: cfg.specHash, toolVersion: cfg.toolVersion, registry, log };
  const force = opts.force ? { force: true } : {};

  const steps: Record<LifecycleStep, StepRun | undefined> = {
    ingest: cfg.ingest
      ? async (c) => {
          const r = await ingest(cfg.ingest!, { root: opts.root, log, ...(opts.s3 ? { s3: opts.s3 } : {}) }, base, force);
          c.raw = r;
          const s = r.card.stats as { uri?: string; format?: string };
          return { status: r.skipped ? "skipped" : "done", detail: `${r.card.id}: ${r.card.rows} rows from ${s.uri} (${s.format}), sha256 ${short(r.card.sha256)}` };
        }
      : undefined,
    register: cfg.register
      ? async (c) => {
          const raw = c.raw ?? (await latestRaw(registry, cfg.project));
          if (!raw) throw new LifecycleError("register", `no raw snapshot of ${cfg.project} in ${registry.uri}; run the ingest step first`);
          const r = await register(cfg.register!, base, raw, force);
          c.dataset = r;
          const s = r.card.stats as { splits?: { train?: { rows: number }; test?: { rows: number } } };
          return { status: r.skipped ? "skipped" : "done", detail: `${r.card.id}: ${r.card.rows} rows (train ${s.splits?.train?.rows}, test ${s.splits?.test?.rows}), sha256 ${short(r.card.sha256)}` };
        }
      : undefined,
    train:
      cfg.train?.trainer === "pretrained"
        ? async (c) => {
            const r = await registerPretrained(cfg.train!, cfg.model, model, sourceLocation(cfg, opts), force);
            c.trained = r;
            c.relative = [];
            return {
              status: r.skipped ? "skipped" : "done",
              detail: `${r.card.id}: ${cfg.model.transformer?.source.uri} registered with golden predictions on ${cfg.train!.samples?.length ?? 0} documents`,
            };
          }
        : cfg.train
          ? async (c) => {
              const dataset = c.dataset ?? (cfg.register ? await latestDataset(registry, cfg.project, cfg.register.dataset) : undefined);
              if (!dataset) throw new LifecycleError("train", `no version of dataset ${cfg.register?.dataset ?? "(none configured)"} in ${registry.uri}; run the register step first`);
              const r = await train(cfg.train!, cfg.model, model, dataset, force);
              c.trained = r;
              c.relative = r.relative ?? [];
              const m = r.card.metrics as Record<string, number>;
              return {
                status: r.skipped ? "skipped" : "done",
                detail: `${r.card.id}: accuracy ${m.accuracy?.toFixed(4)}, macro-F1 ${m.macro_f1?.toFixed(4)}, log-loss ${m.log_loss?.toFixed(4)} on ${m.testRows} held-out rows`,
              };
            }
          : undefined,
    compile: cfg.compile
      ? async (c) => {
          const targets = opts.targetKind ? selectTargets(cfg.compile!.targets, opts.targetKind) : cfg.compile!.targets;
          if (targets.length === 0)
            throw new LifecycleError("compile", `the spec has no compile target of kind ${opts.targetKind}${opts.targetKind === "cpu" ? " (cpu traces the neuron targets)" : ""}`);
          const trained = c.trained ?? (await latestModel(registry, cfg.project, cfg.key, "TRAINED"));
          if (!trained) throw new LifecycleError("compile", `no ${cfg.key}-TRAINED version in ${registry.uri}; run the train step first`);
          c.trained = trained;
          const parts: string[] = [];
          let ran = false;
          for (const target of targets) {
            if (!opts.targetKind && REMOTE_TARGET_KINDS.includes(target.kind)) {
              log(`  note: skipping ${describeTarget(target)}: it needs its own image and hardware (the generated Makefile's Neuron targets build it)`);
              parts.push(`${describeTarget(target)} not built here`);
              continue;
            }
            const r = await compileTarget(cfg.compile!, target, model, trained, force);
            (c.compiled ??= []).push(r);
            const gates = (("validate" in target && target.validate) || cfg.compile!.validate).gates ?? [];
            if (gates.length > 0) {
              const results = await checkRelativeGates(gates, validationMetrics(r.card), registry, cfg.project, async (reg, ref) => validationMetrics(await reg.readModelCard(ref)));
              for (const g of results) log(`  ${describeTarget(target)}: ${describeRelativeGate(g)}`);
              (c.compileRelative ??= []).push(...results);
            }
            ran ||= !r.skipped;
            parts.push(`${r.card.id} ← ${modelId(trained.ref)} [${describeTarget(target)}]${r.skipped ? " unchanged" : `, max |Δ| ${r.maxAbsDiff?.toExponential(2)}`}`);
          }
          return { status: ran ? "done" : "skipped", detail: parts.join("; ") };
        }
      : undefined,
  };

  const order = opts.only ? [opts.only] : LIFECYCLE_STEPS;
  const outcomes: StepOutcome[] = [];
  const carry: Carry = {};
  for (const [i, step] of order.entries()) {
    const run = steps[step];
    const tag = `[${i + 1}/${order.length}] ${step.padEnd(8)}`;
    if (!run) {
      opts.report(`${tag} not configured in the spec`);
      outcomes.push({ step, status: "absent", detail: "not configured", ms: 0 });
      continue;
    }
    const t0 = performance.now();
    let r;
    try {
      r = await run(carry);
    } catch (err) {
      if (err instanceof LifecycleError) throw err;
      if ((err as Error)?.name === "RegistryError") throw new LifecycleError(step, (err as Error).message, { cause: err });
      throw new LifecycleError(step, reason(err), { cause: err }); // the CLI prints `${step} failed: …` once
    }
    const ms = performance.now() - t0;
    opts.report(`${tag} ${r.status === "skipped" ? "skipped (unchanged)" : `done in ${seconds(ms)}`}: ${r.detail}`);
    outcomes.push({ step, status: r.status, detail: r.detail, ms });
  }
  // Promotion ends the lifecycle: after compile when there is one (a step-by-step run —
  // the Makefile, step images — promotes at `--only compile`, judging the trained parent's
  // gates then), else after train.
  const last: LifecycleStep = cfg.compile ? "compile" : "train";
  if (cfg.train?.promote && carry.trained && (!opts.only || opts.only === last)) {
    carry.relative ??= await checkRelativeGates(cfg.train.gates, carry.trained.card.metrics, registry, cfg.project);
    const p = await promoteIfGatesPass({
      alias: cfg.train.promote,
      project: cfg.project,
      registry,
      gates: cfg.train.gates,
      trained: carry.trained,
      compiled: carry.compiled ?? [],
      relative: [...carry.relative, ...(carry.compileRelative ?? [])],
    }).catch((err: unknown) => {
      throw new LifecycleError(last, `promoting to ${cfg.train!.promote} failed: ${reason(err)}`, { cause: err });
    });
    opts.report(`        promote  ${p.status === "promoted" ? "done" : p.status === "unchanged" ? "unchanged" : "held"}: ${p.detail}`);
  }
  return outcomes;
}
