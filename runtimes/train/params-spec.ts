/**
 * The train params as a spec (and a run override) spells them: snake_case keys, every one
 * optional. The runtime owns this schema because two callers check values against it — the
 * spec's zod schema (`schemas/project.ts` imports it) and a run's `--params` override, which
 * a step image applies with no spec and no compiler in it.
 */
import { z } from "zod";
import type { TrainConfig, TrainParams } from "./types.js";

const int = (min: number, max: number) => z.int().min(min).max(max);

export const trainParamsSpecSchema = z.strictObject({
  epochs: int(1, 10_000).optional(),
  learning_rate: z.number().positive().max(1e9).optional(),
  l2: z.number().min(0).max(10).optional(),
  batch_size: int(1, 65_536).optional(),
  optimizer: z.enum(["sgd", "adam"]).optional(),
  hidden: z.array(int(1, 4096)).max(4).optional().describe("hidden layer widths (mlp only)"),
  patience: int(0, 1000).optional().describe("early stopping: epochs without improvement on validation loss"),
  seed: int(0, 2 ** 31 - 1).optional(),
});

export type TrainParamsSpec = z.infer<typeof trainParamsSpecSchema>;

/** `base` with the keys `o` gives replaced; hidden layers only exist for the mlp trainer. */
export function overrideTrainParams(base: TrainParams, o: TrainParamsSpec, trainer: TrainConfig["trainer"]): TrainParams {
  return {
    epochs: o.epochs ?? base.epochs,
    learningRate: o.learning_rate ?? base.learningRate,
    l2: o.l2 ?? base.l2,
    batchSize: o.batch_size ?? base.batchSize,
    optimizer: o.optimizer ?? base.optimizer,
    hidden: trainer === "mlp" ? [...(o.hidden ?? base.hidden)] : [],
    patience: o.patience ?? base.patience,
    seed: o.seed ?? base.seed,
  };
}
