/**
 * The `/bio` model card: what is served (name, version ids, lineage), how it was made
 * (metrics, compile target, dataset, spec hash) and its tensors. Built from the registry card
 * beside the model; a bare model file has no card, so only what the server knows is shown.
 */
import type { ServerContext } from "./context.js";

/** The `/bio` response (servegen describes it in OpenAPI; keep both in step). */
export interface BioDocument {
  readonly name: string;
  /** The served version id, e.g. `SPAM-COMPILED-3`, or `local` for a bare model file. */
  readonly version: string;
  /** The alias the version was picked through (e.g. production), or null. */
  readonly alias: string | null;
  readonly versions: { readonly served: string; readonly parent: string | null };
  /** Oldest first: trained parent (if any), then the served version. */
  readonly lineage: readonly string[];
  readonly type: string | null;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly target: Readonly<Record<string, unknown>> | null;
  readonly dataset: Readonly<Record<string, unknown>> | null;
  /** Hash of the spec the serving code was generated from, and of the spec the model was trained from. */
  readonly specHash: string | null;
  readonly modelSpecHash: string | null;
  readonly createdAt: string | null;
  readonly meshVersion: string | null;
  readonly labels: readonly string[];
  readonly inputs: readonly { readonly name: string; readonly datatype: string; readonly shape: readonly number[] }[];
  readonly outputs: readonly { readonly name: string; readonly datatype: string; readonly shape: readonly number[] }[];
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const obj = (v: unknown): Readonly<Record<string, unknown>> | null => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

export function bioDocument(ctx: ServerContext): BioDocument {
  const { definition, model } = ctx;
  const card = model.card ?? {};
  const parent = str(card["parent"]);
  const tensors = (list: typeof definition.inputs) => list.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] }));
  return {
    name: definition.name,
    version: model.version,
    alias: model.alias ?? null,
    versions: { served: model.version, parent },
    lineage: parent ? [parent, model.version] : [model.version],
    type: str(card["type"]),
    metrics: obj(card["metrics"]) ?? {},
    target: obj(card["target"]),
    dataset: obj(card["dataset"]),
    specHash: definition.specHash ?? null,
    modelSpecHash: str(card["specHash"]),
    createdAt: str(card["createdAt"]),
    meshVersion: definition.meshVersion ?? null,
    labels: [...definition.labels],
    inputs: tensors(definition.inputs),
    outputs: tensors(definition.outputs),
  };
}
