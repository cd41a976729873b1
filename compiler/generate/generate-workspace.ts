/**
 * The whole of `mesh generate` below the CLI: compile every spec, plan every project, and only
 * if all of that is clean, apply (or, for `--check` / `--dry-run`, just report). Nothing is
 * written when any spec is invalid or any plan has an error — no project's output changes.
 *
 * The generate cache (compiler/plan/cache.ts) short-cuts both halves: when everything compile
 * observed is unchanged, compile is skipped; when a project's IR and code are unchanged, its
 * files are verified against its manifest instead of generated. The compiler and the generators
 * are imported only when needed, so a no-op run never loads them.
 */
import type { Host } from "../host.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { ProjectIR } from "../ir.js";
import { sha256Hex } from "../../generators/support/canonical-json.js";
import { planWorkspace, type GenerateFn } from "../plan/plan-workspace.js";
import type { ProjectPlan } from "../plan/plan.js";
import { MANIFEST_FILE } from "../plan/manifest.js";
import { EMPTY_CACHE, cacheKey, compileKey, readCache, writeCache, type CacheEntry, type CompileEntry, type GenerateCache } from "../plan/cache.js";
import { hadToHash, planFromCache } from "../plan/plan-cached.js";
import { planRemovedProjects } from "../plan/plan-removed.js";
import { codeFingerprint } from "../plan/fingerprint.js";
import { observationsHold, recordingHost } from "../plan/recording-host.js";
import { applyPlans } from "../emit/apply.js";
import { planWorkspaceOutputs, workspaceKey, type WorkspaceGenerateFn } from "../plan/plan-workspace-outputs.js";
import { planDiagnostic } from "../plan/codes.js";
import { RESERVED_PROJECT_NAMES } from "../../schemas/reserved.js";

export type GenerateMode = "write" | "check" | "dry-run";

export interface GenerateOptions {
  /** Spec paths relative to the workspace root; default: every project of the workspace. */
  readonly specPaths?: readonly string[];
  /** Workspace-relative output root, already checked to lie inside the workspace (e.g. `out`). */
  readonly outDir: string;
  readonly mode: GenerateMode;
  /** Tests substitute generators here; default: the registry in generators/index.ts. */
  readonly generate?: GenerateFn;
  /**
   * Identifies the code for the cache. Default: the running code's fingerprint, or no cache at
   * all when `generate` is substituted without a fingerprint.
   */
  readonly fingerprint?: string;
  /** false: ignore and do not update the generate cache (`--no-cache`). */
  readonly cache?: boolean;
  /**
   * Workspace-level generators by output folder (`out/ci/`), run over the whole workspace only.
   * Default: the registry in generators/index.ts — none when `generate` is substituted.
   */
  readonly workspaceGenerators?: Readonly<Record<string, WorkspaceGenerateFn>>;
}

export interface GenerateOutcome {
  /** Present when every spec compiled and every project planned cleanly. */
  readonly plans?: readonly ProjectPlan[];
  readonly diagnostics: readonly Diagnostic[];
  /** True when the plans create, update or delete anything. */
  readonly changed: boolean;
  /** True when changes were written (mode "write" and no write failure). */
  readonly wrote: boolean;
  /** Projects whose plan came from the cache (their generators did not run). */
  readonly cached: number;
  /** False when compile was skipped because nothing it read had changed. */
  readonly compiled: boolean;
}

export async function generateWorkspace(host: Host, options: GenerateOptions): Promise<GenerateOutcome> {
  const { outDir, specPaths } = options;
  const fingerprint = options.cache === false ? undefined : (options.fingerprint ?? (options.generate ? undefined : codeFingerprint()));
  const cache = fingerprint ? readCache(host) : EMPTY_CACHE;
  const ckey = fingerprint ? compileKey(fingerprint, outDir, specPaths) : "";

  const entry = cache.compile[ckey];
  const fast = fingerprint && entry ? noOpFromCache(host, cache, entry, outDir, specPaths) : undefined;
  const projectsOnly = (plans: readonly ProjectPlan[]) => plans.filter((p) => !(RESERVED_PROJECT_NAMES as readonly string[]).includes(p.name)).length;
  if (fast && entry) {
    // Files hashed because their signature was too new to trust (or had changed without a
    // change of bytes) are trusted next time once the rewritten cache is older than them.
    if (options.mode === "write" && fast.some(hadToHash)) updateCache(host, cache, ckey, entry, fast, new Map(), [], entry.projects, new Map(), true);
    return { plans: fast, diagnostics: [], changed: false, wrote: false, cached: projectsOnly(fast), compiled: false };
  }

  const fail = (diagnostics: readonly Diagnostic[], cached = 0): GenerateOutcome => ({ diagnostics, changed: false, wrote: false, cached, compiled: true });
  const recorder = recordingHost(host);
  const { compileWorkspace } = await import("../pipeline.js");
  const compiled = await compileWorkspace(recorder, { ...(specPaths ? { specPaths } : {}), outDir });
  if (!compiled.value || hasErrors(compiled.diagnostics)) return fail(compiled.diagnostics);
  const irs = compiled.value;

  const keys = new Map<ProjectIR, string>(fingerprint ? irs.map((ir) => [ir, cacheKey(fingerprint, ir)]) : []);
  const fromCache = new Map<ProjectIR, ProjectPlan>();
  for (const [ir, key] of keys) {
    const plan = planFromCache(host, ir.name, outDir, cache.entries[`${outDir}/${ir.name}`], key, cache.stamp);
    if (plan) fromCache.set(ir, plan);
  }
  const generate = options.generate ?? (fromCache.size < irs.length ? (await import("../../generators/index.js")).generateProject : unreachable);

  const planned = planWorkspace(host, irs, outDir, generate, (ir) => fromCache.get(ir));
  // Workspace outputs (out/ci/) come from every project at once. A run over some specs keeps
  // them current too (else the next `generate --check` fails): they are planned from the whole
  // workspace when it compiles, and left as they are, with a warning, when another spec is broken.
  let folders = options.workspaceGenerators ? Object.keys(options.workspaceGenerators) : options.generate ? [] : [...RESERVED_PROJECT_NAMES];
  let workspaceIrs = irs;
  const staleWarnings: Diagnostic[] = [];
  if (specPaths && folders.length > 0) {
    const whole = await compileWorkspace(recorder, { outDir });
    if (whole.value) workspaceIrs = whole.value;
    else {
      const broken = [...new Set(whole.diagnostics.filter((d) => d.severity === "error").map((d) => d.file))].sort();
      staleWarnings.push(...folders.map((f) => planDiagnostic("workspace-outputs-stale", broken[0] ?? "mesh.yaml", { dir: `${outDir}/${f}`, files: broken.join(", ") })));
      folders = [];
    }
  }
  const wsGenerators = async () => options.workspaceGenerators ?? (await import("../../generators/index.js")).WORKSPACE_GENERATORS;
  const meshVersion = irs[0]?.meshVersion ?? "";
  const workspace = await planWorkspaceOutputs(
    host,
    workspaceIrs,
    outDir,
    folders,
    wsGenerators,
    meshVersion,
    (f) => (fingerprint ? workspaceKey(fingerprint, f, workspaceIrs) : undefined),
    (f, key) => planFromCache(host, f, outDir, cache.entries[`${outDir}/${f}`], key, cache.stamp),
  );
  // Over the whole workspace, output folders of projects that no longer exist go too.
  const removed = specPaths ? { plans: [], diagnostics: [] } : planRemovedProjects(host, outDir, new Set([...irs.map((ir) => ir.name), ...folders]));
  const diagnostics = [...compiled.diagnostics, ...staleWarnings, ...planned.diagnostics, ...workspace.diagnostics, ...removed.diagnostics];
  if (!planned.value || hasErrors(workspace.diagnostics) || hasErrors(removed.diagnostics)) return fail(diagnostics, fromCache.size);

  const plans = [...planned.value, ...workspace.plans, ...removed.plans];
  const changed = plans.some((p) => p.files.some((f) => f.action !== "unchanged"));
  const outcome = { plans, diagnostics, changed, wrote: false, cached: fromCache.size, compiled: true };
  if (options.mode !== "write") return outcome;
  let written: ReadonlyMap<string, string> = new Map();
  if (changed) {
    const applied = applyPlans(host, plans);
    if (applied.diagnostics.length > 0) return fail([...diagnostics, ...applied.diagnostics], fromCache.size);
    written = applied.signatures;
  }
  if (fingerprint) {
    // Only a compile without any diagnostic is worth skipping next time (warnings must reappear).
    const compileEntry =
      compiled.diagnostics.length === 0 && staleWarnings.length === 0
        ? { observations: recorder.observations(), projects: [...irs.map((ir) => ({ name: ir.name, key: keys.get(ir)! })), ...workspace.units] }
        : undefined;
    updateCache(host, cache, ckey, compileEntry, plans, keys, irs, workspace.units, written);
  }
  return { ...outcome, wrote: changed };
}

/**
 * The no-op fast path: the cached compile still holds, every project's folder matches its
 * manifest, and no removed project's output lingers. Returns all-unchanged plans, or undefined.
 */
function noOpFromCache(host: Host, cache: GenerateCache, entry: CompileEntry, outDir: string, specPaths: readonly string[] | undefined): ProjectPlan[] | undefined {
  if (!observationsHold(host, entry.observations)) return undefined;
  // Over the whole workspace, one walk of the output root serves every project and the
  // removed-project check (a walk per project and another of the root read every folder
  // twice). A run on named specs walks only their folders.
  const listed = specPaths ? undefined : host.listFiles(outDir);
  const byFolder = new Map<string, string[]>();
  for (const file of listed ?? []) {
    const folder = file.slice(outDir.length + 1).split("/", 1)[0]!;
    let files = byFolder.get(folder);
    if (!files) byFolder.set(folder, (files = []));
    files.push(file);
  }
  const plans: ProjectPlan[] = [];
  for (const p of entry.projects) {
    const plan = planFromCache(host, p.name, outDir, cache.entries[`${outDir}/${p.name}`], p.key, cache.stamp, listed && (byFolder.get(p.name) ?? []));
    if (!plan) return undefined;
    plans.push(plan);
  }
  if (!specPaths) {
    const removed = planRemovedProjects(host, outDir, new Set(entry.projects.map((p) => p.name)), listed ?? host.listFiles(outDir));
    if (removed.plans.length > 0 || removed.diagnostics.length > 0) return undefined;
  }
  return plans;
}

/** Path (relative to the plan's folder) → signature of each file the plan leaves on disk, where known. */
function signaturesOf(plan: ProjectPlan, written: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of plan.files) {
    if (f.action === "delete") continue;
    const signature = f.action === "unchanged" ? f.previous?.signature : written.get(f.target);
    if (signature !== undefined) out.set(f.path, signature);
  }
  return out;
}

/**
 * Records the compile observations and, per project now on disk, the key that produced its
 * manifest and the stat signatures of its files. Written when anything differs, or on `force`.
 */
function updateCache(
  host: Host,
  cache: GenerateCache,
  ckey: string,
  compileEntry: CompileEntry | undefined,
  plans: readonly ProjectPlan[],
  keys: ReadonlyMap<ProjectIR, string>,
  irs: readonly ProjectIR[],
  workspaceUnits: readonly { readonly name: string; readonly key: string }[] = [],
  written: ReadonlyMap<string, string> = new Map(),
  force = false,
): void {
  const entries: Record<string, CacheEntry> = { ...cache.entries };
  const units = [...irs.map((ir) => ({ name: ir.name, key: keys.get(ir) })), ...workspaceUnits];
  const byName = new Map(plans.filter((p) => !p.removed).map((p) => [p.name, p]));
  for (const { name, key } of units) {
    const plan = byName.get(name);
    const manifest = plan?.files.find((f) => f.path === MANIFEST_FILE)?.bytes;
    if (plan && manifest && key) entries[plan.dir] = { key, manifest: sha256Hex(manifest), files: Object.fromEntries(signaturesOf(plan, written)) };
  }
  for (const plan of plans) if (plan.removed) delete entries[plan.dir];
  const compile: Record<string, CompileEntry> = { ...cache.compile };
  delete compile[ckey];
  if (compileEntry) compile[ckey] = compileEntry;
  const next = { compile, entries };
  if (force || JSON.stringify(next) !== JSON.stringify({ compile: cache.compile, entries: cache.entries })) writeCache(host, next);
}

const unreachable: GenerateFn = () => {
  throw new Error("internal: generators called for a project planned from the cache");
};
