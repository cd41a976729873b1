/**
 * The registry browser's data layer: read-only JSON views over any MeshRegistry (file and S3
 * alike — nothing here touches storage directly). Answers are bounded by the request: lists
 * are paged server-side (newest first) and only the cards of the requested page are read,
 * golden files are cut to a few rows, and scans (a dataset's trained versions) stop at a
 * fixed number of cards and say so. Aliases are read through the registry's alias methods,
 * feature-detected, so a registry without them still browses.
 */
import { RegistryError } from "../registry/errors.js";
import { datasetId, modelId, parseModelId } from "../registry/types.js";
import type { AliasEvent, AliasState, DatasetRef, MeshRegistry, ModelCard, ModelRef, ModelStage, TrainingRecord } from "../registry/types.js";
import { readOnnxSignature, type ModelSignature } from "../support/onnx-signature.js";
import { promoteCommand } from "./shell.js";

export const PAGE_MAX = 100;
export const PAGE_DEFAULT = 25;
/** Golden rows shown per version, and values per row. */
export const GOLDEN_ROWS = 10;
const GOLDEN_VALUES = 16;
/** Golden files larger than this are not read for the page (the card still lists them). */
const GOLDEN_MAX_BYTES = 4 * 1024 * 1024;
/** Trained cards read to find what was trained on a dataset version. */
export const SCAN_MAX = 200;
const HISTORY_MAX = 200;
/** model.onnx files up to this size are read (verified) to show their tensors; cached by sha256. */
const SIGNATURE_MAX_BYTES = 64 * 1024 * 1024;
/** How long a version list counts as fresh (see `cached` in createViews). */
const LIST_TTL_MS = 3000;

export interface Page {
  readonly offset: number;
  readonly limit: number;
}

type AliasReader = Pick<MeshRegistry, "listAliases" | "aliasHistory">;
const aliasReader = (reg: MeshRegistry): AliasReader | undefined =>
  typeof (reg as Partial<AliasReader>).listAliases === "function" && typeof (reg as Partial<AliasReader>).aliasHistory === "function" ? reg : undefined;

const numeric = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Top-level numeric metrics, plus a compiled version's validation figures as `validation.*`. */
export function flatMetrics(metrics: Readonly<Record<string, unknown>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics ?? {})) {
    if (numeric(v)) out[k] = v;
    else if (k === "validation" && v && typeof v === "object" && !Array.isArray(v)) {
      for (const [vk, vv] of Object.entries(v)) if (numeric(vv)) out[`validation.${vk}`] = vv;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function createViews(reg: MeshRegistry, now: () => number = Date.now) {
  // Version lists are append-only, so a cached list is never wrong, only possibly short of the
  // newest versions. Listing means one stat per version (10,000 of them in a big project), so
  // a list older than LIST_TTL_MS is still answered at once while a fresh one loads behind it
  // (stale-while-revalidate); only the first request for a list waits for the registry.
  const lists = new Map<string, { at: number; value: Promise<number[]>; refreshing?: boolean }>();
  function cached(key: string, load: () => Promise<number[]>): Promise<number[]> {
    const hit = lists.get(key);
    if (hit && now() - hit.at < LIST_TTL_MS) return hit.value;
    if (hit && !hit.refreshing) {
      hit.refreshing = true;
      load().then(
        (fresh) => lists.set(key, { at: now(), value: Promise.resolve(fresh) }),
        () => (hit.refreshing = false),
      );
      return hit.value;
    }
    if (hit) return hit.value;
    const value = load();
    value.catch(() => lists.delete(key));
    lists.set(key, { at: now(), value });
    if (lists.size > 1000) lists.delete(lists.keys().next().value!);
    return value;
  }
  const modelVersions = (p: string, key: string, stage: ModelStage) => cached(`m\u0000${p}\u0000${key}\u0000${stage}`, () => reg.listModelVersions(p, key, stage));
  const datasetVersions = (p: string, d: string) => cached(`d\u0000${p}\u0000${d}`, () => reg.listDatasetVersions(p, d));

  async function aliasesOf(project: string): Promise<AliasState[] | undefined> {
    const a = aliasReader(reg);
    return a ? a.listAliases(project) : undefined;
  }
  const aliasView = (a: AliasState) => ({ alias: a.alias, target: modelId(a.target), since: a.since, by: a.by, ...(a.reason !== undefined ? { reason: a.reason } : {}) });

  async function knownProject(project: string): Promise<void> {
    const all = await reg.listProjects();
    if (!all.includes(project)) throw new RegistryError("not-found", `no project ${JSON.stringify(project)} in this registry`);
  }

  function pageOf<T>(all: readonly T[], page: Page): T[] {
    // Newest first: the last numbers are the first rows.
    const newest = [...all].reverse();
    return newest.slice(page.offset, page.offset + page.limit);
  }

  async function modelRow(ref: ModelRef, aliases: readonly AliasState[] | undefined) {
    const id = modelId(ref);
    const pointing = (aliases ?? []).filter((a) => modelId(a.target) === id).map((a) => a.alias);
    try {
      const card = await reg.readModelCard(ref);
      const target = card.target && typeof card.target.kind === "string" ? card.target.kind : undefined;
      return {
        id,
        version: ref.version,
        type: card.type,
        createdAt: card.createdAt,
        metrics: flatMetrics(card.metrics),
        ...(card.parent ? { parent: card.parent } : {}),
        ...(target ? { target } : {}),
        aliases: pointing,
      };
    } catch (err) {
      // A folder without a readable card (corrupt, or copied in by hand) is one error row, not a failed page.
      if (err instanceof RegistryError && (err.code === "corrupt" || err.code === "not-found")) return { id, version: ref.version, metrics: {}, aliases: pointing, error: err.message };
      throw err;
    }
  }

  function refOf(project: string, id: string): ModelRef {
    const parsed = parseModelId(id);
    if (!parsed) throw new RegistryError("invalid", `${JSON.stringify(id)} is not a model id (KEY-TRAINED-N or KEY-COMPILED-N)`);
    return { project, ...parsed };
  }

  async function existing(ref: ModelRef): Promise<ModelCard> {
    if (!(await modelVersions(ref.project, ref.key, ref.stage)).includes(ref.version)) throw new RegistryError("not-found", `no model ${modelId(ref)} in project ${ref.project}`);
    return reg.readModelCard(ref);
  }

  /** The curves and evaluation to draw: the version's own, else (compiled) its trained parent's. */
  async function trainingOf(project: string, card: ModelCard): Promise<{ record?: TrainingRecord; from?: string }> {
    if (card.training) return { record: card.training, from: card.id };
    const parent = card.parent ? parseModelId(card.parent) : undefined;
    if (!parent) return {};
    try {
      const p = await reg.readModelCard({ project, ...parent });
      return p.training ? { record: p.training, from: p.id } : {};
    } catch {
      return {};
    }
  }

  const signatures = new Map<string, Promise<ModelSignature | { error: string }>>();
  function tensors(ref: ModelRef, card: ModelCard): Promise<ModelSignature | { error: string }> | undefined {
    const sha = Object.hasOwn(card.files, "model.onnx") ? card.files["model.onnx"] : undefined;
    if (!sha) return undefined;
    const size = card.sizes?.["model.onnx"];
    if (size !== undefined && size > SIGNATURE_MAX_BYTES) return Promise.resolve({ error: `model.onnx is ${size} bytes; tensors are read from models up to ${SIGNATURE_MAX_BYTES} bytes` });
    let hit = signatures.get(sha);
    if (!hit) {
      hit = reg.readModelFile(ref, "model.onnx").then(
        (bytes) => {
          const r = readOnnxSignature(bytes);
          return r.ok ? r.signature : { error: r.reason };
        },
        (err: unknown) => ({ error: (err as Error).message }),
      );
      signatures.set(sha, hit);
      if (signatures.size > 256) signatures.delete(signatures.keys().next().value!);
    }
    return hit;
  }

  async function golden(ref: ModelRef, card: ModelCard) {
    const names = ["test_files/inputs.json", "test_files/predictions.json"] as const;
    if (!names.every((n) => Object.hasOwn(card.files, n))) return undefined;
    const too = names.find((n) => (card.sizes?.[n] ?? 0) > GOLDEN_MAX_BYTES);
    if (too) return { rows: [], total: undefined, note: `${too} is larger than ${GOLDEN_MAX_BYTES} bytes; not shown` };
    const [inputs, predictions] = await Promise.all(names.map(async (n) => JSON.parse(Buffer.from(await reg.readModelFile(ref, n)).toString("utf8")) as unknown));
    if (!Array.isArray(inputs) || !Array.isArray(predictions)) return { rows: [], note: "golden files are not JSON arrays" };
    const cut = (p: unknown) => (Array.isArray(p) ? p.slice(0, GOLDEN_VALUES).map((v) => (numeric(v) ? v : null)) : []);
    const rows = inputs
      .slice(0, GOLDEN_ROWS)
      .map((input, i) => ({ input: truncateJson(input), prediction: cut(predictions[i]), values: Array.isArray(predictions[i]) ? (predictions[i] as unknown[]).length : 0 }));
    return { rows, total: inputs.length };
  }

  return {
    uri: reg.uri,

    async projects(page: Page) {
      const all = await reg.listProjects();
      return { uri: reg.uri, total: all.length, offset: page.offset, limit: page.limit, projects: all.slice(page.offset, page.offset + page.limit) };
    },

    async project(project: string) {
      await knownProject(project);
      const aliases = await aliasesOf(project);
      const models = await Promise.all(
        (await reg.listModels(project)).map(async (m) => {
          const versions = await modelVersions(project, m.key, m.stage);
          return { name: `${m.key}-${m.stage}`, key: m.key, stage: m.stage, count: versions.length, ...(versions.length ? { latest: modelId({ ...m, version: versions.at(-1)! }) } : {}) };
        }),
      );
      const datasets = await Promise.all(
        (await reg.listDatasets(project)).map(async (d) => {
          const versions = await datasetVersions(project, d);
          return { name: d, count: versions.length, ...(versions.length ? { latest: datasetId({ dataset: d, version: versions.at(-1)! }) } : {}) };
        }),
      );
      return { name: project, aliasesSupported: aliases !== undefined, aliases: (aliases ?? []).map(aliasView), models, datasets };
    },

    async modelVersions(project: string, name: string, page: Page) {
      const m = /^([A-Z][A-Z0-9_]{0,31})-(TRAINED|COMPILED)$/.exec(name);
      if (!m) throw new RegistryError("invalid", `${JSON.stringify(name)} is not a model name (KEY-TRAINED or KEY-COMPILED)`);
      await knownProject(project);
      const key = m[1]!;
      const stage = m[2] as ModelStage;
      const all = await modelVersions(project, key, stage);
      const aliases = await aliasesOf(project);
      const rows = await Promise.all(pageOf(all, page).map((version) => modelRow({ project, key, stage, version }, aliases)));
      return { project, name, total: all.length, offset: page.offset, limit: page.limit, rows };
    },

    async datasetVersions(project: string, dataset: string, page: Page) {
      await knownProject(project);
      const all = await datasetVersions(project, dataset);
      const rows = await Promise.all(
        pageOf(all, page).map(async (version) => {
          try {
            const card = await reg.readDatasetCard({ project, dataset, version });
            return { id: card.id, version, createdAt: card.createdAt, rows: card.rows, sha256: card.sha256 };
          } catch (err) {
            if (err instanceof RegistryError && (err.code === "corrupt" || err.code === "not-found")) return { id: datasetId({ dataset, version }), version, error: err.message };
            throw err;
          }
        }),
      );
      return { project, name: dataset, total: all.length, offset: page.offset, limit: page.limit, rows };
    },

    async model(project: string, id: string) {
      const ref = refOf(project, id);
      const card = await existing(ref);
      const [children, aliases, training, goldenRows, signature] = await Promise.all([
        reg.listChildren(ref).then((c) => c.map((r) => (r.project === project ? modelId(r) : `${r.project}/${modelId(r)}`))),
        aliasesOf(project),
        trainingOf(project, card),
        golden(ref, card).catch((err: unknown) => ({ rows: [], note: `golden files unreadable: ${(err as Error).message}` })),
        tensors(ref, card),
      ]);
      const pointing = (aliases ?? []).filter((a) => modelId(a.target) === id).map(aliasView);
      const servable = Object.hasOwn(card.files, "model.onnx");
      return {
        project,
        id,
        card,
        metrics: flatMetrics(card.metrics),
        lineage: {
          ...(card.dataset ? { dataset: datasetId({ dataset: card.dataset.name, version: card.dataset.version }), datasetName: card.dataset.name, datasetVersion: card.dataset.version } : {}),
          ...(card.parent ? { parent: card.parent } : {}),
          children,
          aliases: pointing.map((a) => a.alias),
        },
        aliases: pointing,
        training: training.record ?? null,
        trainingFrom: training.from ?? null,
        golden: goldenRows ?? null,
        tensors: signature ?? null,
        servable,
        promote: servable ? promoteCommand(project, id, reg.uri) : null,
      };
    },

    async dataset(project: string, dataset: string, version: number) {
      await knownProject(project);
      const ref: DatasetRef = { project, dataset, version };
      if (!(await datasetVersions(project, dataset)).includes(version)) throw new RegistryError("not-found", `no dataset version ${datasetId(ref)} in project ${project}`);
      const card = await reg.readDatasetCard(ref);
      // Lineage forwards: trained versions naming this dataset, newest first, bounded scan.
      const trainedOn: string[] = [];
      let scanned = 0;
      let total = 0;
      for (const m of (await reg.listModels(project)).filter((n) => n.stage === "TRAINED")) {
        const versions = await modelVersions(project, m.key, m.stage);
        total += versions.length;
        for (const v of [...versions].reverse()) {
          if (scanned >= SCAN_MAX) break;
          scanned++;
          const c = await reg.readModelCard({ project, ...m, version: v }).catch(() => undefined);
          if (c?.dataset && c.dataset.name === dataset && c.dataset.version === version) trainedOn.push(c.id);
        }
      }
      return { project, id: card.id, card, trainedOn, scanned, totalTrained: total };
    },

    async compare(project: string, a: string, b: string) {
      const [ca, cb] = await Promise.all([existing(refOf(project, a)), existing(refOf(project, b))]);
      const [ta, tb] = await Promise.all([trainingOf(project, ca), trainingOf(project, cb)]);
      const ma = flatMetrics(ca.metrics);
      const mb = flatMetrics(cb.metrics);
      const names = [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort();
      const metrics = names.map((name) => ({ name, a: ma[name] ?? null, b: mb[name] ?? null, delta: ma[name] !== undefined && mb[name] !== undefined ? mb[name]! - ma[name]! : null }));
      const side = (card: ModelCard, t: { record?: TrainingRecord; from?: string }) => ({
        id: card.id,
        type: card.type,
        createdAt: card.createdAt,
        specHash: card.specHash,
        params: card.params,
        curves: t.record?.curves ?? null,
        curvesFrom: t.from ?? null,
      });
      // Per-class F1 of the labels both held-out evaluations name.
      const f1 = (t: { record?: TrainingRecord }) => new Map((t.record?.evaluation?.perClass ?? []).map((c) => [c.label, c.f1] as const));
      const fa = f1(ta);
      const fb = f1(tb);
      const perClassF1 = [...fa.keys()].filter((l) => fb.has(l)).map((label) => ({ label, a: fa.get(label)!, b: fb.get(label)!, delta: fb.get(label)! - fa.get(label)! }));
      return { project, a: side(ca, ta), b: side(cb, tb), metrics, perClassF1 };
    },

    async aliases(project: string) {
      await knownProject(project);
      const reader = aliasReader(reg);
      if (!reader) return { project, supported: false, aliases: [], history: [], totalEvents: 0 };
      const [states, history] = await Promise.all([reader.listAliases(project), reader.aliasHistory(project)]);
      const newest: AliasEvent[] = history.slice(-HISTORY_MAX).reverse();
      return { project, supported: true, aliases: states.map(aliasView), history: newest, totalEvents: history.length };
    },
  };
}

export type Views = ReturnType<typeof createViews>;

/** A golden input row, bounded: long strings are cut (the page shows a preview). */
function truncateJson(value: unknown): unknown {
  if (typeof value === "string") return value.length > 500 ? `${value.slice(0, 500)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 32).map(truncateJson);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .slice(0, 32)
        .map(([k, v]) => [k, truncateJson(v)]),
    );
  return value;
}
