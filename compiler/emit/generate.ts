/**
 * The whole of `mesh generate` below the CLI: compile every spec, plan every project, and only
 * if all of that is clean, apply (or, for `--check` / `--dry-run`, just report). Nothing is
 * written when any spec is invalid or any plan has an error — no project's output changes.
 *
 * Generators load only when some project is not vouched for by the generate cache, so a no-op
 * run never pays for ts-morph and friends.
 */
import type { Host } from "../host.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { ProjectIR } from "../ir.js";
import { compileWorkspace } from "../pipeline.js";
import { sha256Hex } from "../../generators/support/canonical-json.js";
import { planWorkspace, type GenerateFn } from "../plan/plan-workspace.js";
import type { ProjectPlan } from "../plan/plan.js";
import { MANIFEST_FILE } from "../plan/manifest.js";
import { cacheKey, readCache, writeCache, type CacheEntry } from "../plan/cache.js";
import { planFromCache } from "../plan/plan-cached.js";
import { planRemovedProjects } from "../plan/plan-removed.js";
import { generatorFingerprint } from "../plan/fingerprint.js";
import { applyPlans } from "./apply.js";

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
   * Identifies the generator code for the cache. Default: the real generators' fingerprint, or
   * no cache at all when `generate` is substituted without a fingerprint.
   */
  readonly fingerprint?: string;
  /** false: ignore and do not update the generate cache (`--no-cache`). */
  readonly cache?: boolean;
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
}

export async function generateWorkspace(host: Host, options: GenerateOptions): Promise<GenerateOutcome> {
  const compiled = await compileWorkspace(host, {
    ...(options.specPaths ? { specPaths: options.specPaths } : {}),
    outDir: options.outDir,
  });
  const fail = (diagnostics: readonly Diagnostic[]): GenerateOutcome => ({ diagnostics, changed: false, wrote: false, cached: 0 });
  if (!compiled.value || hasErrors(compiled.diagnostics)) return fail(compiled.diagnostics);
  const irs = compiled.value;

  const fingerprint = options.cache === false ? undefined : (options.fingerprint ?? (options.generate ? undefined : generatorFingerprint()));
  const cache = fingerprint ? readCache(host) : {};
  const keys = new Map<ProjectIR, string>(fingerprint ? irs.map((ir) => [ir, cacheKey(fingerprint, ir)]) : []);
  const fromCache = new Map<ProjectIR, ProjectPlan>();
  for (const [ir, key] of keys) {
    const plan = planFromCache(host, ir, options.outDir, cache[`${options.outDir}/${ir.name}`], key);
    if (plan) fromCache.set(ir, plan);
  }
  const generate = options.generate ?? (fromCache.size < irs.length ? (await import("../../generators/index.js")).generateProject : unreachable);

  const planned = planWorkspace(host, irs, options.outDir, generate, (ir) => fromCache.get(ir));
  // Over the whole workspace, output folders of projects that no longer exist go too.
  const removed = options.specPaths ? { plans: [], diagnostics: [] } : planRemovedProjects(host, options.outDir, new Set(irs.map((ir) => ir.name)));
  const diagnostics = [...compiled.diagnostics, ...planned.diagnostics, ...removed.diagnostics];
  if (!planned.value || hasErrors(removed.diagnostics)) return fail(diagnostics);

  const plans = [...planned.value, ...removed.plans];
  const changed = plans.some((p) => p.files.some((f) => f.action !== "unchanged"));
  const outcome = { plans, diagnostics, changed, wrote: false, cached: fromCache.size };
  if (options.mode !== "write") return outcome;
  if (changed) {
    const applied = applyPlans(host, plans);
    if (applied.diagnostics.length > 0) return { ...fail([...diagnostics, ...applied.diagnostics]), cached: fromCache.size };
  }
  if (fingerprint) updateCache(host, cache, irs, plans, keys);
  return { ...outcome, wrote: changed };
}

/** Records, for every project just planned (and now on disk), the key that produced its manifest. */
function updateCache(host: Host, cache: Readonly<Record<string, CacheEntry>>, irs: readonly ProjectIR[], plans: readonly ProjectPlan[], keys: ReadonlyMap<ProjectIR, string>): void {
  const next: Record<string, CacheEntry> = { ...cache };
  for (const ir of irs) {
    const plan = plans.find((p) => p.name === ir.name && !p.removed);
    const manifest = plan?.files.find((f) => f.path === MANIFEST_FILE)?.bytes;
    const key = keys.get(ir);
    if (plan && manifest && key) next[plan.dir] = { key, manifest: sha256Hex(manifest) };
  }
  if (JSON.stringify(next) !== JSON.stringify(cache)) writeCache(host, next);
}

const unreachable: GenerateFn = () => {
  throw new Error("internal: generators called for a project planned from the cache");
};
