/**
 * Aliases: named, movable pointers to model versions (`production`, `staging`, `candidate`),
 * as in MLflow. Layout under the registry root:
 *
 *   <project>/aliases/<alias>/<seq>/card.json     one immutable event per change
 *
 * Why events and not one mutable "current" object: neither backend offers compare-and-swap
 * on an existing object (s3rver ignores conditional writes), so a read-modify-write of a
 * pointer loses one of two concurrent promotions. Instead every change claims the next
 * number with the very mechanism that numbers model versions (`claimVersion` + `stageVersion`,
 * O_EXCL claims on file, the bakery protocol on S3), so two promotions always get two distinct
 * numbers, each lands whole (invisible until its object is complete), and none is lost. The
 * history is the events in number order; the alias's current target is the fold of it: the
 * newest event. `from` is derived from that order too (the target of the preceding event),
 * so history and state never disagree, whatever order racing writers finished in.
 *
 * A gap (a writer that crashed after claiming) is simply skipped.
 */
import { RegistryError } from "./errors.js";
import { jsonBytes } from "../support/canonical-json.js";
import { checkProject, parseVersionName } from "./names.js";
import type { BlobStore } from "./storage.js";
import { modelId, parseModelId } from "./types.js";
import type { AliasEvent, AliasState, ModelCard, ModelRef } from "./types.js";

/**
 * Alias names: lower-case letters, digits and `_`, starting with a letter, at most 32 long.
 * No `-` or `.`: gate expressions read `production - 0.01` and `production.accuracy`, and an
 * alias name travels into environment variables, YAML and file paths, so the grammar is kept
 * small enough to be safe in all of them without escaping. Mirrored in schemas/gate-expression.ts
 * (the spec language may not import the registry runtime).
 */
export const ALIAS_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** Words with a meaning of their own wherever an alias may appear (MESH_MODEL_REF, gates). */
export const RESERVED_ALIASES: ReadonlySet<string> = new Set(["latest", "newest"]);
const MAX_BY = 200;
const MAX_REASON = 1000;
const EVENT = "card.json";

export function aliasProblem(alias: unknown): string | undefined {
  if (typeof alias !== "string" || !ALIAS_PATTERN.test(alias)) {
    return `invalid alias name ${JSON.stringify(alias)}: use lower-case letters, digits and '_', starting with a letter, at most 32 characters (e.g. production, staging, candidate)`;
  }
  if (RESERVED_ALIASES.has(alias)) return `"${alias}" cannot be an alias: it already means the newest servable version`;
  return undefined;
}

export function checkAlias(alias: string): string {
  const problem = aliasProblem(alias);
  if (problem) throw new RegistryError("invalid", problem);
  return alias;
}

/** Printable text without control characters, bounded: it is shown in terminals and pages. */
function checkText(field: string, value: string, max: number): string {
  if (typeof value !== "string") throw new RegistryError("invalid", `the alias ${field} must be text`);
  if (value.length > max) throw new RegistryError("invalid", `the alias ${field} is longer than ${max} characters`);
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) throw new RegistryError("invalid", `the alias ${field} must not contain control characters or line breaks`);
  return value;
}

export const aliasesBase = (project: string) => `${checkProject(project)}/aliases`;
export const aliasBase = (project: string, alias: string) => `${aliasesBase(project)}/${checkAlias(alias)}`;

/** What one event object holds (`from` is derived on read, see the module comment). */
interface StoredEvent {
  readonly alias: string;
  readonly seq: number;
  readonly to: string;
  readonly at: string;
  readonly by: string;
  readonly reason?: string;
  /** The target the writer saw before its change; kept for audit, the order decides `from`. */
  readonly sawFrom?: string;
}

function decodeEvent(bytes: Uint8Array, label: string, alias: string, seq: number): StoredEvent {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new RegistryError("corrupt", `the alias event ${label} is not valid JSON`);
  }
  const v = value as Record<string, unknown> | null;
  const str = (k: string) => (v && typeof v[k] === "string" ? (v[k] as string) : undefined);
  const to = str("to");
  if (!v || typeof v !== "object" || Array.isArray(v) || v.alias !== alias || v.seq !== seq || !to || !parseModelId(to) || !str("at") || str("by") === undefined) {
    throw new RegistryError("corrupt", `the alias event ${label} is malformed (it must name its alias, seq ${seq}, a model id "to", "at" and "by")`);
  }
  const reason = str("reason");
  const sawFrom = str("sawFrom");
  return { alias, seq, to, at: str("at")!, by: str("by")!, ...(reason !== undefined ? { reason } : {}), ...(sawFrom !== undefined && parseModelId(sawFrom) ? { sawFrom } : {}) };
}

export interface AliasDeps {
  readonly store: BlobStore;
  readonly now: () => Date;
  readonly readModelCard: (ref: ModelRef) => Promise<ModelCard>;
}

export interface AliasMethods {
  listAliases(project: string): Promise<AliasState[]>;
  aliasHistory(project: string, alias?: string): Promise<AliasEvent[]>;
  setAlias(project: string, alias: string, target: ModelRef, meta: { by: string; reason?: string }): Promise<AliasEvent>;
  resolveAlias(project: string, alias: string): Promise<ModelRef | undefined>;
}

export function aliasMethods({ store, now, readModelCard }: AliasDeps): AliasMethods {
  const uri = store.uri;

  /** Committed events of one alias, oldest first, with `from` derived from the order. */
  async function seqsOf(base: string): Promise<number[]> {
    return (await store.listDirs(base))
      .map(parseVersionName)
      .filter((n): n is number => n !== undefined)
      .sort((a, b) => a - b);
  }

  /** The newest committed event only: one read, newest first (a claimed number may have no object yet). */
  async function newest(project: string, alias: string) {
    const base = aliasBase(project, alias);
    const seqs = await seqsOf(base);
    for (let i = seqs.length - 1; i >= 0; i--) {
      const bytes = await store.get(`${base}/${seqs[i]}/${EVENT}`);
      if (bytes) return decodeEvent(bytes, `${project}/${alias}#${seqs[i]}`, alias, seqs[i]!);
    }
    return undefined;
  }

  async function history(project: string, alias: string): Promise<AliasEvent[]> {
    const base = aliasBase(project, alias);
    const seqs = await seqsOf(base);
    const stored = await Promise.all(
      seqs.map(async (seq) => {
        const bytes = await store.get(`${base}/${seq}/${EVENT}`);
        return bytes ? decodeEvent(bytes, `${project}/${alias}#${seq}`, alias, seq) : undefined; // no object yet: claimed, not complete
      }),
    );
    const events: AliasEvent[] = [];
    let previous: string | undefined;
    for (const e of stored) {
      if (!e) continue;
      events.push({ alias, seq: e.seq, ...(previous !== undefined ? { from: previous } : {}), to: e.to, at: e.at, by: e.by, ...(e.reason !== undefined ? { reason: e.reason } : {}) });
      previous = e.to;
    }
    return events;
  }

  async function aliasNames(project: string): Promise<string[]> {
    return (await store.listDirs(aliasesBase(project))).filter((a) => aliasProblem(a) === undefined).sort();
  }

  const toRef = (project: string, id: string): ModelRef => ({ project, ...parseModelId(id)! });

  return {
    async listAliases(project) {
      const states: AliasState[] = [];
      for (const alias of await aliasNames(project)) {
        const last = await newest(project, alias);
        if (last) states.push({ alias, target: toRef(project, last.to), since: last.at, by: last.by, ...(last.reason !== undefined ? { reason: last.reason } : {}) });
      }
      return states;
    },
    async aliasHistory(project, alias) {
      if (alias !== undefined) return history(project, alias);
      const all = (await Promise.all((await aliasNames(project)).map((a) => history(project, a)))).flat();
      // One timeline across aliases: by time, then name and number for a stable order.
      return all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : a.seq - b.seq));
    },
    async resolveAlias(project, alias) {
      const last = await newest(project, alias);
      return last ? toRef(project, last.to) : undefined;
    },
    async setAlias(project, alias, target, meta) {
      const base = aliasBase(project, alias);
      const by = checkText("author (by)", meta.by, MAX_BY);
      if (by.trim() === "") throw new RegistryError("invalid", "the alias author (by) must not be empty");
      const reason = meta.reason === undefined ? undefined : checkText("reason", meta.reason, MAX_REASON);
      if (target.project !== project) throw new RegistryError("invalid", `alias ${project}/${alias} cannot point into another project (${target.project})`);
      const id = modelId(target);
      // The target must exist and be servable: an alias is what serving follows, so pointing
      // it at something onnxruntime cannot load would break every server that reads it.
      const card = await readModelCard(target).catch((err: unknown) => {
        if (err instanceof RegistryError && err.code === "not-found") throw new RegistryError("not-found", `cannot point ${alias} at ${project}/${id}: no such version in ${uri}`);
        throw err;
      });
      if (!Object.hasOwn(card.files, "model.onnx")) {
        throw new RegistryError("invalid", `cannot point ${alias} at ${project}/${id}: it has no model.onnx, so mesh serve cannot serve it (a Neuron-only or CPU-trace version)`);
      }
      const saw = (await history(project, alias)).at(-1)?.to;
      const seq = await store.claimVersion(base);
      const at = now().toISOString();
      const stored: StoredEvent = { alias, seq, to: id, at, by, ...(reason !== undefined ? { reason } : {}), ...(saw !== undefined ? { sawFrom: saw } : {}) };
      const stage = await store.stageVersion(base, seq);
      try {
        await stage.commit(jsonBytes(stored));
      } catch (err) {
        await stage.abort();
        throw err;
      }
      // Report the event as history records it (a racing writer may have landed just before).
      const landed = (await history(project, alias)).find((e) => e.seq === seq);
      return landed ?? { alias, seq, ...(saw !== undefined ? { from: saw } : {}), to: id, at, by, ...(reason !== undefined ? { reason } : {}) };
    },
  };
}

/**
 * Rollback = point the alias back at the target it had before its newest change (the newest
 * event's `from`). Rolling back twice therefore swaps back, like `cd -`: the history records
 * every move, so nothing is lost either way. Undefined when the alias has never moved.
 */
export function rollbackTarget(history: readonly AliasEvent[]): { readonly current: string; readonly previous: string } | undefined {
  const last = history.at(-1);
  return last?.from !== undefined ? { current: last.to, previous: last.from } : undefined;
}
