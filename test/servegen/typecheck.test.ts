/**
 * The generated TypeScript passes `tsc --noEmit` with the repository's TypeScript and the
 * generated strict tsconfig, against the real `runtimes/serve` and `runtimes/features`
 * types (resolved through the package self-reference `mesh/runtimes/…`, as under out/).
 */
import { execFile } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { canonicalJson } from "../../generators/support/canonical-json.js";
import { SERVE_TSCONFIG } from "../../generators/serving/index.js";
import type { ProjectIR } from "../../compiler/ir.js";
import { REPO, appIR, exampleIR, removeTrees } from "./fixtures.js";
import { writeGenerated } from "./generated.js";

afterAll(removeTrees);

const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");

async function tsc(project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [TSC, "-p", project], { cwd: REPO });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** Generates and adds a tsconfig for the client (the client ships none: it is one file users copy). */
function generate(ir: ProjectIR): string {
  const dir = writeGenerated(ir);
  writeFileSync(join(dir, "client", "tsconfig.json"), canonicalJson(SERVE_TSCONFIG, true));
  return dir;
}

const cases: [string, () => Promise<ProjectIR>][] = [
  ["spam", () => exampleIR("spam")],
  ["iris", () => exampleIR("iris")],
  ["colors (App example)", () => exampleIR("colors")],
  ["App without labels (raw output rows)", async () => appIR()],
];

describe.each(cases)("%s", (_, load) => {
  test("serve/ type-checks", async () => {
    const dir = generate(await load());
    const r = await tsc(join(dir, "serve", "tsconfig.json"));
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  });

  test("client/ type-checks", async () => {
    const dir = generate(await load());
    const r = await tsc(join(dir, "client", "tsconfig.json"));
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  });
});

test("the check is real: a type error in generated code is reported", async () => {
  const dir = generate(await exampleIR("spam"));
  appendFileSync(join(dir, "serve", "decode.ts"), 'export const broken: number = "not a number";\n');
  const r = await tsc(join(dir, "serve", "tsconfig.json"));
  expect(r.code).not.toBe(0);
  expect(r.output).toContain("decode.ts");
});
