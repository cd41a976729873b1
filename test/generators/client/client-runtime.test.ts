/**
 * The client runtime is a real TypeScript file in the repository (an asset the client
 * generator copies verbatim): real `tsc` checks it where it lives, with the generated code's
 * strict settings, and its JavaScript twin is exactly what TypeScript makes of it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { SERVE_TSCONFIG } from "../../../generators/serving/index.js";
// @ts-expect-error a plain .mjs script without declarations
import { RUNTIME_JS, RUNTIME_TS, runtimeJs } from "../../../scripts/client-runtime-js.mjs";

const REPO = join(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(REPO, "test", ".tmp-client-runtime-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test("the repository's client-runtime.ts passes real tsc (strict, the generated code's settings)", async () => {
  const { include: _include, ...settings } = SERVE_TSCONFIG;
  writeFileSync(join(tmp, "tsconfig.json"), JSON.stringify({ ...settings, files: [join(REPO, RUNTIME_TS as string)] }));
  const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
  const run = await promisify(execFile)(process.execPath, [tsc, "-p", tmp], { cwd: REPO }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string }) => ({ code: e.code ?? 1, out: e.stdout ?? "" }),
  );
  expect(run.out).toBe("");
  expect(run.code).toBe(0);
}, 60_000);

test("client-runtime.js is the transpiled twin of client-runtime.ts (else: node scripts/client-runtime-js.mjs)", () => {
  const source = readFileSync(join(REPO, RUNTIME_TS as string), "utf8");
  expect(readFileSync(join(REPO, RUNTIME_JS as string), "utf8")).toBe((runtimeJs as (s: string) => string)(source));
});
