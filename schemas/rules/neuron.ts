/**
 * Neuron targets are compiled for a batch size; the server's batches must fit it. With a
 * fixed batch (`dynamic_batch: false`) no served batch may exceed `batch_size`; with dynamic
 * batching the runtime splits batches into chunks of `batch_size`, so `max_batch` must be a
 * multiple of it. Environment overlays that change `max_batch` are checked too.
 */
import type { ProjectKindSpec } from "../project.js";
import type { RuleDefaults, RuleViolation } from "./types.js";

const MAX_BATCH_LIMIT = 4096;

export function checkNeuronBatching(spec: ProjectKindSpec, defaults: RuleDefaults): RuleViolation[] {
  const targets = spec.steps.compile?.targets ?? [];
  const serve = spec.steps.serve;
  const base = serve?.batching;
  if ((base?.enabled ?? defaults.batchingEnabled) === false) return [];
  const sources: { maxBatch: number; path: (string | number)[] | undefined; where: string }[] = [
    { maxBatch: base?.max_batch ?? defaults.maxBatch, path: base?.max_batch !== undefined ? ["steps", "serve", "batching", "max_batch"] : undefined, where: "serve.batching.max_batch" },
  ];
  for (const [env, overlay] of Object.entries(spec.environments ?? {})) {
    const mb = overlay?.serve?.batching?.max_batch;
    if (mb !== undefined) sources.push({ maxBatch: mb, path: ["environments", env, "serve", "batching", "max_batch"], where: `environments.${env}.serve.batching.max_batch` });
  }
  const out: RuleViolation[] = [];
  targets.forEach((t, i) => {
    if (t.kind !== "neuron") return;
    const bs = t.batch_size;
    const dynamic = t.dynamic_batch ?? defaults.dynamicBatch;
    const targetPath = ["steps", "compile", "targets", i, "batch_size"];
    for (const src of sources) {
      const mb = src.maxBatch;
      const shown = src.path ? src.where : `${src.where} (default ${mb})`;
      if (!dynamic && mb > bs) {
        out.push({
          rule: "neuron-batch",
          path: src.path ?? targetPath,
          params: { message: `${shown} is ${mb}, more than batch_size ${bs} of neuron target ${i + 1} (${t.instance}), compiled for a fixed batch` },
          hint: `use a max_batch from 1 to ${bs}, or set dynamic_batch: true on the target`,
        });
      } else if (dynamic && mb % bs !== 0) {
        out.push({
          rule: "neuron-batch",
          path: src.path ?? targetPath,
          params: { message: `${shown} is ${mb}, not a multiple of batch_size ${bs} of neuron target ${i + 1} (${t.instance}); dynamic batching runs chunks of ${bs}` },
          hint: `use ${fittingMultiples(mb, bs).join(" or ")}`,
        });
      }
    }
  });
  return out;
}

/** The multiples of `bs` nearest to `mb` (below and above), within the max_batch range. */
export function fittingMultiples(mb: number, bs: number): number[] {
  const below = Math.floor(mb / bs) * bs;
  const above = below + bs;
  return [below, above].filter((m) => m >= 1 && m <= MAX_BATCH_LIMIT);
}
