/**
 * Read-only views of a registry for `mesh registry ls|show` (and anything else that wants a
 * summary): projects → models and datasets → versions with type, creation time, a metrics
 * summary and lineage; and lookup of one version by any of the ids users type.
 */
import { RegistryError, isRegistryError } from "./errors.js";
import { NAME_PATTERN } from "./names.js";
import { datasetId, modelId, parseModelId } from "./types.js";
import type { AliasEvent, DatasetCard, DatasetRef, MeshRegistry, ModelCard, ModelRef } from "./types.js";

export interface ModelVersionSummary {
  readonly id: string;
  readonly version: number;
  readonly type?: string;
  readonly createdAt?: string;
  /** Top-level numeric metrics only (accuracy, macroF1, …); tables such as confusion matrices are left to `show`. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly parent?: string;
  readonly children: readonly string[];
  readonly bytes?: number;
  /** Set when the card cannot be read (corrupt); the version is still listed. */
  readonly error?: string;
}

export interface DatasetVersionSummary {
  readonly id: string;
  readonly version: number;
  readonly createdAt?: string;
  readonly rows?: number;
  readonly sha256?: string;
  readonly error?: string;
}

export interface AliasSummary {
  readonly alias: string;
  /** The model id the alias points at, e.g. SPAM-COMPILED-1. */
  readonly target: string;
  readonly since: string;
  readonly by: string;
  readonly reason?: string;
}

export interface ProjectSummary {
  readonly name: string;
  readonly aliases: readonly AliasSummary[];
  readonly models: readonly { readonly name: string; readonly versions: readonly ModelVersionSummary[] }[];
  readonly datasets: readonly { readonly name: string; readonly versions: readonly DatasetVersionSummary[] }[];
}

export interface RegistryListing {
  readonly uri: string;
  readonly projects: readonly ProjectSummary[];
}

const totalBytes = (sizes: Readonly<Record<string, number>> | undefined) => (sizes ? Object.values(sizes).reduce((a, b) => a + b, 0) : undefined);

function numericMetrics(metrics: Readonly<Record<string, unknown>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  return out;
}

async function modelVersion(reg: MeshRegistry, ref: ModelRef): Promise<ModelVersionSummary> {
  const id = modelId(ref);
  try {
    const card = await reg.readModelCard(ref);
    const children = (await reg.listChildren(ref)).map((c) => (c.project === ref.project ? modelId(c) : `${c.project}/${modelId(c)}`));
    const bytes = totalBytes(card.sizes);
    return {
      id,
      version: ref.version,
      type: card.type,
      createdAt: card.createdAt,
      metrics: numericMetrics(card.metrics),
      ...(card.parent ? { parent: card.parent } : {}),
      children,
      ...(bytes !== undefined ? { bytes } : {}),
    };
  } catch (err) {
    // not-found: a version folder made by hand without its card (publish never leaves one).
    if (!isRegistryError(err, "corrupt") && !isRegistryError(err, "not-found")) throw err;
    return { id, version: ref.version, metrics: {}, children: [], error: err.message };
  }
}

async function datasetVersion(reg: MeshRegistry, ref: DatasetRef): Promise<DatasetVersionSummary> {
  const id = datasetId(ref);
  try {
    const card = await reg.readDatasetCard(ref);
    return { id, version: ref.version, createdAt: card.createdAt, rows: card.rows, sha256: card.sha256 };
  } catch (err) {
    if (!isRegistryError(err, "corrupt") && !isRegistryError(err, "not-found")) throw err;
    return { id, version: ref.version, error: err.message };
  }
}

/** Everything in the registry, or in one project (RegistryError "not-found" when it is absent). */
export async function inspectRegistry(reg: MeshRegistry, project?: string): Promise<RegistryListing> {
  const all = await reg.listProjects();
  if (project !== undefined && !all.includes(project)) {
    throw new RegistryError("not-found", `no project "${project}" in ${reg.uri} (projects: ${all.join(", ") || "none"})`);
  }
  const projects: ProjectSummary[] = [];
  for (const name of project !== undefined ? [project] : all) {
    const models = [];
    for (const m of await reg.listModels(name)) {
      const versions = await reg.listModelVersions(name, m.key, m.stage);
      models.push({ name: `${m.key}-${m.stage}`, versions: await Promise.all(versions.map((v) => modelVersion(reg, { project: name, ...m, version: v }))) });
    }
    const datasets = [];
    for (const d of await reg.listDatasets(name)) {
      const versions = await reg.listDatasetVersions(name, d);
      datasets.push({ name: d, versions: await Promise.all(versions.map((v) => datasetVersion(reg, { project: name, dataset: d, version: v }))) });
    }
    const aliases = (await reg.listAliases(name)).map((a) => ({ alias: a.alias, target: modelId(a.target), since: a.since, by: a.by, ...(a.reason !== undefined ? { reason: a.reason } : {}) }));
    projects.push({ name, aliases, models, datasets });
  }
  return { uri: reg.uri, projects };
}

export type Located = { readonly kind: "model"; readonly ref: ModelRef } | { readonly kind: "dataset"; readonly ref: DatasetRef };

/**
 * Finds a version by what users type: `SPAM-COMPILED-1`, `spam/SPAM-COMPILED-1`,
 * `spam/models/SPAM-COMPILED/1`, `spam/datasets/spam-assassin/1`, or `spam-assassin-1` with a
 * project. A bare model id is looked up in every project when none is given.
 */
export async function locate(reg: MeshRegistry, id: string, project?: string): Promise<Located> {
  const unknown = (what: string) => new RegistryError("not-found", `no ${what} in ${reg.uri}`);
  let m = /^([a-z][-a-z0-9]*)\/models\/([A-Z][A-Z0-9_]*)-(TRAINED|COMPILED)\/([0-9]+)$/.exec(id);
  if (m) return foundModel(reg, { project: m[1]!, ...parseModelId(`${m[2]}-${m[3]}-${m[4]}`)! }, id);
  m = /^([a-z][-a-z0-9]*)\/datasets\/([a-z][-a-z0-9]*)\/([0-9]+)$/.exec(id);
  if (m) return foundDataset(reg, { project: m[1]!, dataset: m[2]!, version: Number(m[3]) }, id);
  m = /^(?:([a-z][-a-z0-9]*)\/)?([^/]+)$/.exec(id);
  const inProject = m?.[1] ?? project;
  const model = m ? parseModelId(m[2]!) : undefined;
  if (model) {
    if (inProject !== undefined) return foundModel(reg, { project: inProject, ...model }, id);
    const hits: ModelRef[] = [];
    for (const p of await reg.listProjects()) {
      if ((await reg.listModelVersions(p, model.key, model.stage)).includes(model.version)) hits.push({ project: p, ...model });
    }
    if (hits.length === 1) return { kind: "model", ref: hits[0]! };
    if (hits.length > 1) throw new RegistryError("invalid", `${id} exists in several projects (${hits.map((h) => h.project).join(", ")}); pass --project`);
    throw unknown(`model ${id}`);
  }
  // A dataset id as cards and listings print it: DATASET-N (or PROJECT/DATASET-N).
  const ds = m ? /^([a-z][-a-z0-9]*)-([1-9][0-9]*)$/.exec(m[2]!) : null;
  if (ds && NAME_PATTERN.test(ds[1]!)) {
    const dataset = { dataset: ds[1]!, version: Number(ds[2]) };
    if (inProject !== undefined) return foundDataset(reg, { project: inProject, ...dataset }, id);
    const hits: DatasetRef[] = [];
    for (const p of await reg.listProjects()) {
      if ((await reg.listDatasetVersions(p, dataset.dataset)).includes(dataset.version)) hits.push({ project: p, ...dataset });
    }
    if (hits.length === 1) return { kind: "dataset", ref: hits[0]! };
    if (hits.length > 1) throw new RegistryError("invalid", `dataset ${id} exists in several projects (${hits.map((h) => h.project).join(", ")}); pass --project or use PROJECT/${id}`);
    throw unknown(`dataset version ${id}`);
  }
  throw new RegistryError(
    "invalid",
    `cannot read ${JSON.stringify(id)} as a version id: use KEY-TRAINED-N, KEY-COMPILED-N, DATASET-N, PROJECT/ID, PROJECT/models/KEY-STAGE/N or PROJECT/datasets/DATASET/N`,
  );
}

async function foundModel(reg: MeshRegistry, ref: ModelRef, typed: string): Promise<Located> {
  if (!(await reg.listModelVersions(ref.project, ref.key, ref.stage)).includes(ref.version)) {
    throw new RegistryError("not-found", `no model ${typed} in ${reg.uri} (project ${ref.project})`);
  }
  return { kind: "model", ref };
}

async function foundDataset(reg: MeshRegistry, ref: DatasetRef, typed: string): Promise<Located> {
  if (!(await reg.listDatasetVersions(ref.project, ref.dataset)).includes(ref.version)) {
    throw new RegistryError("not-found", `no dataset version ${typed} in ${reg.uri} (project ${ref.project})`);
  }
  return { kind: "dataset", ref };
}

export interface VersionDetail {
  readonly kind: "model" | "dataset";
  readonly project: string;
  readonly id: string;
  readonly card: ModelCard | DatasetCard;
  readonly lineage: { readonly parent?: string; readonly children: readonly string[] };
  /** Aliases pointing at this version now (models only). */
  readonly aliases: readonly string[];
}

/** The card and lineage of a located version. */
export async function describeVersion(reg: MeshRegistry, where: Located): Promise<VersionDetail> {
  if (where.kind === "dataset") {
    return { kind: "dataset", project: where.ref.project, id: datasetId(where.ref), card: await reg.readDatasetCard(where.ref), lineage: { children: [] }, aliases: [] };
  }
  const card = await reg.readModelCard(where.ref);
  const children = (await reg.listChildren(where.ref)).map(modelId);
  const id = modelId(where.ref);
  const aliases = (await reg.listAliases(where.ref.project)).filter((a) => modelId(a.target) === id).map((a) => a.alias);
  return { kind: "model", project: where.ref.project, id, card, lineage: { ...(card.parent ? { parent: card.parent } : {}), children }, aliases };
}

export interface AliasesView {
  readonly uri: string;
  readonly project: string;
  readonly aliases: readonly AliasSummary[];
  readonly history: readonly AliasEvent[];
}

/** A project's aliases now and their history (one alias, or all as one timeline). */
export async function describeAliases(reg: MeshRegistry, project: string, alias?: string): Promise<AliasesView> {
  const states = (await reg.listAliases(project)).filter((a) => alias === undefined || a.alias === alias);
  const aliases = states.map((a) => ({ alias: a.alias, target: modelId(a.target), since: a.since, by: a.by, ...(a.reason !== undefined ? { reason: a.reason } : {}) }));
  return { uri: reg.uri, project, aliases, history: await reg.aliasHistory(project, alias) };
}
