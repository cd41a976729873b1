/**
 * The generated TypeScript passes `tsc --noEmit` with the repository's TypeScript and the
 * generated strict tsconfig, against the real `runtimes/serve` and `runtimes/features`
 * types (resolved through the package self-reference `mesh/runtimes/…`, as under out/).
 */
import { execFile } from "node:child_process";
import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { canonicalJson } from "../../../generators/support/canonical-json.js";
import { SERVE_TSCONFIG } from "../../../generators/serving/index.js";
import type { ProjectIR } from "../../../compiler/ir.js";
import { REPO, appIR, exampleIR, removeTrees } from "../../support/servegen/fixtures.js";
import { writeGenerated } from "../../support/servegen/generated.js";

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

/**
 * One tsc run over every case's serve/ and client/ (tsc startup dominates on two cores);
 * each test then asserts that no diagnostic names its folder and that tsc passed overall.
 */
describe("generated TypeScript of every case", () => {
  const dirs = new Map<string, string>();
  let result: { code: number; output: string };
  beforeAll(async () => {
    for (const [name, load] of cases) dirs.set(name, generate(await load()));
    const root = dirname([...dirs.values()][0]!);
    const project = join(root, `servegen-tsconfig-${process.pid}.json`);
    const include = [...dirs.values()].flatMap((d) => [`${basename(d)}/serve/*.ts`, `${basename(d)}/client/*.ts`]);
    writeFileSync(project, canonicalJson({ ...SERVE_TSCONFIG, include }, true));
    result = await tsc(project);
    rmSync(project);
  }, 120_000);

  test.each(cases.map(([name]) => [name]))("%s: serve/ and client/ type-check", (name) => {
    const dir = basename(dirs.get(name)!);
    expect(result.output.split("\n").filter((l) => l.includes(dir))).toEqual([]);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });
});

test("the client's types are precise: a consumer compiles, and misuse is a type error", async () => {
  const dir = generate(await exampleIR("spam"));
  writeFileSync(
    join(dir, "client", "consumer.ts"),
    [
      'import { ApiError, Client, type ResponseAttributes } from "./client.js";',
      'const client = new Client({ baseUrl: "http://127.0.0.1:8000", timeoutMs: 500 });',
      "export async function use(): Promise<string> {",
      '  const one: ResponseAttributes = await client.predict({ text: "hi" }, { threshold: 0.7 });',
      '  const many = await client.predictBatch([{ text: "a" }, { text: "b" }]);',
      '  const out = await client.infer([{ name: "features", shape: [1, 2], datatype: "FP32", data: [0, 1] }]);',
      "  // @ts-expect-error text must be a string",
      "  await client.predict({ text: 1 });",
      "  // @ts-expect-error unknown attribute",
      '  await client.predict({ text: "x", subject: "y" });',
      "  // @ts-expect-error unknown parameter",
      '  await client.predict({ text: "x" }, { limit: 1 });',
      '  try { await client.ready(); } catch (e) { if (e instanceof ApiError) return e.errors[0]?.source?.pointer ?? ""; }',
      "  return one.label + many.length + out.outputs.length + one.score.toFixed(2);",
      "}",
    ].join("\n"),
  );
  const r = await tsc(join(dir, "client", "tsconfig.json"));
  expect(r.output).toBe("");
  expect(r.code).toBe(0);
});

test("the check is real: a type error in generated code is reported", async () => {
  const dir = generate(await exampleIR("spam"));
  appendFileSync(join(dir, "serve", "decode.ts"), 'export const broken: number = "not a number";\n');
  const r = await tsc(join(dir, "serve", "tsconfig.json"));
  expect(r.code).not.toBe(0);
  expect(r.output).toContain("decode.ts");
});
