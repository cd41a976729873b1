/**
 * Env maps from the lowered `MESH_*` lists (ProjectIR `serve.env`, each environment's
 * `serve.env`; compiler/lower/serve-env.ts owns the mapping, runtimes/serve/config.ts the
 * declarations). Generators render these maps; they never list the variables themselves.
 */
import type { ServeEnvIR } from "../../compiler/ir.js";

/** name → value as text, in declaration order. */
export function envMap(list: readonly ServeEnvIR[]): Record<string, string> {
  return Object.fromEntries(list.map((v) => [v.name, String(v.value)]));
}

/** The variables whose value in `next` differs from `base` (an environment overlay over the image's defaults). */
export function envChanges(base: readonly ServeEnvIR[], next: readonly ServeEnvIR[]): Record<string, string> {
  const before = envMap(base);
  return Object.fromEntries(Object.entries(envMap(next)).filter(([name, value]) => before[name] !== value));
}
