/**
 * What every route module needs from the running server: the definition, config, model
 * session and metadata, the predictor, metrics, logger and the readiness state.
 */
import type { ModelInfo, ServiceDefinition } from "./definition.js";
import type { ServeConfig } from "./config.js";
import type { ModelSession } from "./session.js";
import type { Predictor } from "./predictor.js";
import type { ServerMetrics } from "./metrics.js";
import type { Logger } from "./logger.js";
import type { Finish } from "./respond.js";
import type { TransformerPipeline } from "../transformers/pipeline.js";

export interface ServerState {
  /** Model loaded and warm-up inference passed. */
  loaded: boolean;
  /** A shutdown signal arrived: readiness is 503 and connections close after their response. */
  draining: boolean;
}

export interface ServerContext {
  readonly definition: ServiceDefinition;
  readonly config: ServeConfig;
  readonly model: ModelInfo;
  readonly state: ServerState;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  readonly finish: Finish;
  /** Set once the model is loaded (routes that need it answer 503 before). */
  session?: ModelSession;
  predictor?: Predictor;
  /** Transformer models: the task pipeline (tokenizer, sequence batching, answers). */
  pipeline?: TransformerPipeline;
  /** Rows waiting for the model, whichever runner holds them. */
  queuedRows?: () => number;
  /** Resolves when that runner has nothing queued or running (graceful drain). */
  idle?: () => Promise<void>;
}

export const isReady = (ctx: ServerContext): boolean => ctx.state.loaded && !ctx.state.draining;

/** Values per row of a tensor: the product of its non-batch dimensions. */
export function rowWidth(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * Math.max(1, b), 1);
}
