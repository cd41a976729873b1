/**
 * The model registry contract (CONTRACTS.md). One URI picks the backend: `file://PATH`
 * (embedded default `.mesh/registry`) or `s3://BUCKET/PREFIX`. Layout under the root:
 *
 *   <project>/datasets/<dataset>/<version>/{data.jsonl, schema.json, card.json}
 *   <project>/models/<KEY>-TRAINED/<n>/{model.onnx, card.json, test_files/{inputs,predictions}.json}
 *   <project>/models/<KEY>-COMPILED/<n>/{model.onnx | neuron/…, card.json, test_files/…}
 *
 * Versions are immutable once published, numbered atomically (two writers never get the
 * same number), and invisible until complete. A trained version lists its compiled children
 * in an append-only record beside its card.
 */

import type { TrainingRecord } from "./training-record.js";

export type { ClassMetrics, DatasetSummary, EpochRecord, EvaluationRecord, TrainingRecord } from "./training-record.js";

export type ModelStage = "TRAINED" | "COMPILED";

/** A reference to one model version, e.g. { project: "spam", key: "SPAM", stage: "TRAINED", version: 3 } → SPAM-TRAINED-3. */
export interface ModelRef {
  readonly project: string;
  readonly key: string;
  readonly stage: ModelStage;
  readonly version: number;
}

export interface DatasetRef {
  readonly project: string;
  readonly dataset: string;
  readonly version: number;
}

export interface ModelCard {
  readonly type: "trained" | "compiled";
  readonly id: string; // e.g. SPAM-TRAINED-3
  readonly project: string;
  readonly specHash: string;
  readonly dataset?: { readonly name: string; readonly version: number; readonly sha256: string };
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, unknown>>;
  /** compiled → trained: the parent's id. */
  readonly parent?: string;
  readonly target?: Readonly<Record<string, unknown>>;
  readonly toolVersion: string;
  /** ISO-8601; the one place a clock value is recorded. */
  readonly createdAt: string;
  /** Relative path → sha256 of every artifact file of the version. */
  readonly files: Readonly<Record<string, string>>;
  /** Relative path → size in bytes (written by the registry; absent in hand-made cards). */
  readonly sizes?: Readonly<Record<string, number>>;
  /** Hash of the step inputs that produced this version, used to skip unchanged steps. */
  readonly inputsHash?: string;
  /** Curves, held-out evaluation and dataset summary (training-record.ts); absent on older cards. */
  readonly training?: TrainingRecord;
}

export interface DatasetCard {
  readonly id: string; // <dataset>-<n>
  readonly project: string;
  readonly dataset: string;
  readonly sha256: string;
  readonly rows: number;
  readonly stats: Readonly<Record<string, unknown>>;
  readonly inputsHash?: string;
  readonly createdAt: string;
  readonly files: Readonly<Record<string, string>>;
  /** Relative path → size in bytes (written by the registry). */
  readonly sizes?: Readonly<Record<string, number>>;
}

/** Files to publish in one version: relative path → bytes, or a local file to stream. */
export type ArtifactFiles = Readonly<Record<string, Uint8Array | { readonly localPath: string }>>;

export interface Registry {
  /** The URI this registry was opened with, for messages (never includes credentials). */
  readonly uri: string;
  publishModel(project: string, key: string, stage: ModelStage, files: ArtifactFiles, card: Omit<ModelCard, "id" | "files" | "createdAt">): Promise<ModelRef>;
  publishDataset(project: string, dataset: string, files: ArtifactFiles, card: Omit<DatasetCard, "id" | "files" | "createdAt">): Promise<DatasetRef>;
  /** Complete versions only, ascending. */
  listModelVersions(project: string, key: string, stage: ModelStage): Promise<number[]>;
  listDatasetVersions(project: string, dataset: string): Promise<number[]>;
  readModelCard(ref: ModelRef): Promise<ModelCard>;
  readDatasetCard(ref: DatasetRef): Promise<DatasetCard>;
  /** Reads one artifact and verifies its sha256 against the card; throws on mismatch. */
  readModelFile(ref: ModelRef, relPath: string): Promise<Uint8Array>;
  readDatasetFile(ref: DatasetRef, relPath: string): Promise<Uint8Array>;
  /** Downloads a whole version to a local folder (verified), returns the folder. */
  downloadModel(ref: ModelRef, localDir: string): Promise<string>;
  /** Append-only lineage record beside a trained version's card. */
  appendChild(parent: ModelRef, child: ModelRef): Promise<void>;
  listChildren(parent: ModelRef): Promise<ModelRef[]>;
  /** Projects present in the registry, sorted. */
  listProjects(): Promise<string[]>;
}

/** A model name present in a project: `<KEY>-<STAGE>` has at least one folder. */
export interface ModelName {
  readonly key: string;
  readonly stage: ModelStage;
}

/**
 * One change of an alias, as its append-only history records it (aliases.ts). `seq` numbers
 * the alias's events (claimed atomically, like versions; gaps are possible); `from` is the
 * target of the preceding event, absent on the first.
 */
export interface AliasEvent {
  readonly alias: string;
  readonly seq: number;
  /** Model id, e.g. SPAM-COMPILED-1. */
  readonly from?: string;
  /** Model id, e.g. SPAM-COMPILED-2. */
  readonly to: string;
  /** ISO-8601. */
  readonly at: string;
  readonly by: string;
  readonly reason?: string;
}

/** An alias now: the fold of its history (its newest event). */
export interface AliasState {
  readonly alias: string;
  readonly target: ModelRef;
  /** When the alias was last moved (ISO-8601), by whom and why. */
  readonly since: string;
  readonly by: string;
  readonly reason?: string;
}

/**
 * What `openRegistry` returns: the `Registry` contract plus lookups used by `mesh registry`,
 * serving (newest version) and the lifecycle (dataset downloads). Kept as an extension so
 * hand-written fakes of `Registry` stay valid.
 */
export interface MeshRegistry extends Registry {
  /** Model names (`KEY` + stage) with at least one version folder in a project, sorted. */
  listModels(project: string): Promise<ModelName[]>;
  /** Dataset names of a project, sorted. */
  listDatasets(project: string): Promise<string[]>;
  /** Newest complete version, or undefined when there is none. */
  latestModel(project: string, key: string, stage: ModelStage): Promise<ModelRef | undefined>;
  latestDataset(project: string, dataset: string): Promise<DatasetRef | undefined>;
  /**
   * The newest version onnxruntime can serve: the newest COMPILED version whose card lists
   * `model.onnx`, else the newest TRAINED one. Versions from Neuron or CPU-trace targets hold
   * TorchScript only and are passed over, so compiling for Neuron never breaks `mesh serve`.
   */
  latestServableModel(project: string, key: string): Promise<ModelRef | undefined>;
  /** Downloads a whole dataset version to a local folder (verified, streamed), returns the folder. */
  downloadDataset(ref: DatasetRef, localDir: string): Promise<string>;
  /** The project's aliases and where each points now, sorted by alias. */
  listAliases(project: string): Promise<AliasState[]>;
  /** Every change of one alias (or of all, as one timeline), oldest first. */
  aliasHistory(project: string, alias?: string): Promise<AliasEvent[]>;
  /**
   * Points `alias` at `target` (which must exist and hold model.onnx) and records the change;
   * never loses a concurrent change (each is its own numbered event). Returns the event.
   */
  setAlias(project: string, alias: string, target: ModelRef, meta: { by: string; reason?: string }): Promise<AliasEvent>;
  /** Where the alias points now, or undefined when it was never set. */
  resolveAlias(project: string, alias: string): Promise<ModelRef | undefined>;
}

export const modelId = (r: Pick<ModelRef, "key" | "stage" | "version">) => `${r.key}-${r.stage}-${r.version}`;

/** `<dataset>-<n>`, e.g. spam-assassin-1. */
export const datasetId = (r: Pick<DatasetRef, "dataset" | "version">) => `${r.dataset}-${r.version}`;

/** Parses `SPAM-COMPILED-1` into its parts, or undefined when it is not a model id. */
export function parseModelId(id: string): { key: string; stage: ModelStage; version: number } | undefined {
  const m = /^([A-Z][A-Z0-9_]{0,31})-(TRAINED|COMPILED)-([1-9][0-9]{0,8})$/.exec(id);
  if (!m) return undefined;
  return { key: m[1]!, stage: m[2] as ModelStage, version: Number(m[3]) };
}
