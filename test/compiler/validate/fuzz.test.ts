/**
 * Property test: random mutations of valid specs (delete keys, change types, insert junk,
 * random strings, raw text damage) must make the compiler answer with IR or diagnostics,
 * never throw, and never answer with both IR and an error.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { compileWorkspace } from "../../../compiler/pipeline.js";
import { hasErrors } from "../../../compiler/diagnostics/diagnostic.js";
import { colorsModel, exampleText, workspace } from "../../support/frontend/helpers.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Example = "spam" | "iris" | "colors";
const EXAMPLES: readonly Example[] = ["spam", "iris", "colors"];

/** Every path to a node of `value` (objects and arrays included), root first. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

const NASTY = ["", "$(shell rm -rf /)", "`id`", "\nRUN evil", "../..", "__proto__", "constructor", "8x", "-1", "1e309", "null", "~", "💥", "a".repeat(300)];
const junkValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(...NASTY, 0, -1, 1.5, 2 ** 53, true, false, null, [], {}),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);
const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("delete", "replace", "insert", "string"),
  value: junkValue,
  key: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 12 })),
});

interface Mutation {
  readonly at: number;
  readonly op: string;
  readonly value: Json;
  readonly key: string;
}

function mutate(spec: Json, ops: readonly Mutation[]): Json {
  let root = structuredClone(spec);
  for (const m of ops) {
    const all = paths(root);
    const path = all[m.at % all.length]!;
    if (path.length === 0) {
      if (m.op === "replace") root = m.value;
      continue;
    }
    let parent: Json = root;
    for (const seg of path.slice(0, -1)) parent = (parent as Record<string, Json>)[seg as string]!;
    const last = path.at(-1)!;
    const target = parent as Record<string | number, Json>;
    if (m.op === "delete") {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete target[last];
    } else if (m.op === "replace") target[last] = m.value;
    else if (m.op === "string") target[last] = typeof m.value === "string" ? m.value : JSON.stringify(m.value);
    else {
      const node = target[last];
      if (node !== null && typeof node === "object" && !Array.isArray(node)) Object.defineProperty(node, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      else if (Array.isArray(node)) node.push(m.value);
    }
  }
  return root;
}

async function compileText(example: Example, text: string) {
  const files: Record<string, string | Uint8Array> = { [`projects/${example}/project.yaml`]: text };
  if (example === "colors") files["projects/colors/model.onnx"] = colorsModel();
  return compileWorkspace(workspace(files));
}

function expectAnswer(result: Awaited<ReturnType<typeof compileWorkspace>>) {
  // IR xor errors; every diagnostic names a file and a non-negative position.
  expect(result.value !== undefined).toBe(!hasErrors(result.diagnostics));
  for (const d of result.diagnostics) {
    expect(d.file).not.toBe("");
    expect(d.line).toBeGreaterThanOrEqual(0);
    expect(d.code).toMatch(/^MESH\d{3}$/);
  }
}

describe("fuzzed specs never crash the compiler", () => {
  it.each(EXAMPLES)("structural mutations of %s", async (example) => {
    const spec = parse(exampleText(example)) as Json;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (ops) => {
        const text = stringify(mutate(spec, ops));
        expectAnswer(await compileText(example, text));
      }),
      { numRuns: 100, seed: 20261126 },
    );
  });

  it.each(EXAMPLES)("text damage of %s", async (example) => {
    const text = exampleText(example);
    const damage = fc.record({
      at: fc.nat({ max: text.length }),
      cut: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.constantFrom(...NASTY, "\t", ":", "- ", "{", "[", "&a", "*a", "!!binary", "\r\n", "\u0000", "---\n"), fc.string({ maxLength: 8 })),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 4 }), async (edits) => {
        let t = text;
        for (const e of edits) t = t.slice(0, e.at) + e.insert + t.slice(e.at + e.cut);
        expectAnswer(await compileText(example, t));
      }),
      { numRuns: 100, seed: 42 },
    );
  });

  it("mutations of mesh.yaml", async () => {
    const meshYaml = parse(
      "apiVersion: mesh/v1\nkind: Workspace\nprojects: [projects/*/project.yaml]\nregistry: file://.mesh/registry\n" +
        "environments: { prod: { registry: s3://b/p } }\nimages: { prefix: r.local/ml, base: node:20 }\ntoolchain: { node: 20.1.0 }\n" +
        "aws: { region: us-east-1, s3_endpoint: http://127.0.0.1:9000, s3_force_path_style: true }\nout: out\n",
    ) as Json;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (ops) => {
        const host = workspace({ "mesh.yaml": stringify(mutate(meshYaml, ops)), "projects/iris/project.yaml": exampleText("iris") });
        expectAnswer(await compileWorkspace(host));
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it("__proto__ keys neither pollute prototypes nor pass validation", async () => {
    const text = `${exampleText("iris")}__proto__: { polluted: true }\n`;
    const r = await compileText("iris", text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.value).toBeUndefined();
  });
});
