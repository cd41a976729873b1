import type { TransformerServing } from "./config.js";
import type { SequenceOutput } from "./sequence-runner.js";
import type { Encoded, TextTokenizer } from "./tokenizer.js";

/** What a task needs from the pipeline: encoding with the spec's rules, and the model. */
export interface TaskContext {
  readonly serving: TransformerServing;
  readonly labels: readonly string[];
  readonly tokenizer: TextTokenizer;
  /** Encodes texts; over-long ones are truncated or refused as the spec says (pointer per row). */
  encode(texts: readonly string[], pointers: readonly string[], detail?: boolean): Promise<Encoded[]>;
  /** Runs sequences through the model in chunks the batcher accepts. */
  run(sequences: readonly Encoded[]): Promise<SequenceOutput[]>;
}
