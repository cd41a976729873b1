/**
 * Issue 13, item 9: everything `generate` can refuse, `validate` refuses first, with a
 * FILE:LINE:COL position. Hand-picked specs (the ones that once passed validate and then failed
 * generate with MESH306 "this is a bug in mesh": `features.input: __proto__`, members of
 * Object.prototype as names, line and paragraph separators, bidi controls, shell and Make
 * metacharacters, GitHub expressions …) and fuzzed ones (hostile strings in every string value
 * and mapping key of the examples) go through both; whenever validate accepts a spec,
 * `generate` (every generator, dry-run, in memory) accepts it too, and whenever either refuses,
 * validate's diagnostics are positioned.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { compileWorkspace } from "../../../compiler/pipeline.js";
import { generateWorkspace } from "../../../compiler/generate/generate-workspace.js";
import { hasErrors } from "../../../compiler/diagnostics/diagnostic.js";
import { formatDiagnostics } from "../../../compiler/diagnostics/format.js";
import { memoryHost } from "../../support/memory-host.js";
import { REPO } from "../../support/emit/fixtures.js";
import { readFileSync } from "node:fs";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const EXAMPLES = ["spam", "iris", "colors"] as const;
type Example = (typeof EXAMPLES)[number];
const text = (name: Example) => readFileSync(`${REPO}/projects/${name}/project.yaml`, "utf8");
const COLORS_MODEL = readFileSync(`${REPO}/projects/colors/model.onnx`);

/** Validate, then generate, one spec; returns both answers. */
async function both(example: Example, spec: string, specPath = `projects/${example}/project.yaml`) {
  const files: Record<string, string | Uint8Array> = { [specPath]: spec };
  if (example === "colors") files[specPath.replace(/project\.yaml$/, "model.onnx")] = COLORS_MODEL;
  const validated = await compileWorkspace(memoryHost(files), { specPaths: [specPath] });
  const generated = await generateWorkspace(memoryHost(files), { specPaths: [specPath], outDir: "out", mode: "dry-run", cache: false });
  return { validated, generated };
}

function expectValidateFirst({ validated, generated }: Awaited<ReturnType<typeof both>>) {
  const refusedByValidate = hasErrors(validated.diagnostics);
  const refusedByGenerate = generated.plans === undefined || hasErrors(generated.diagnostics);
  if (refusedByGenerate) expect(refusedByValidate, `generate refused what validate accepted:\n${formatDiagnostics(generated.diagnostics)}`).toBe(true);
  expect(generated.diagnostics.map((d) => d.code).filter((c) => c === "MESH306")).toEqual([]);
  // Refusals point into the spec: FILE:LINE:COL (line 0 only when the file is missing).
  for (const d of validated.diagnostics) if (d.severity === "error") expect(d.line, formatDiagnostics([d])).toBeGreaterThan(0);
}

const HOSTILE_STRINGS = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "a\u2028b",
  "a\u2029b",
  "a\u0085b",
  "line\nbreak",
  "cr\rreturn",
  "nul\u0000x",
  "esc\u001b[31m",
  "\u202eevil\u2066x\u2069",
  "zero\u200bwidth",
  "$(touch x)",
  "`id`",
  "${{ github.event.pull_request.title }}",
  "$$x",
  "back\\",
  "-->",
  "*/",
  "'\"",
  "#",
  "a".repeat(2000),
  "",
  " ",
  "💥",
];

/** Replaces the value at `path` of `spec`. */
function setAt(spec: Json, path: readonly (string | number)[], value: Json): Json {
  const root = structuredClone(spec);
  let node = root as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, Json>;
  node[path.at(-1)!] = value;
  return root;
}

const CASES: readonly [string, Example, (spec: Json) => Json][] = [
  ["features.input: __proto__", "spam", (s) => setAt(s, ["model", "features", "input"], "__proto__")],
  ["features.input: constructor", "spam", (s) => setAt(s, ["model", "features", "input"], "constructor")],
  ["a feature column named toString", "iris", (s) => setAt(s, ["model", "features", "columns", 0], "toString")],
  ["description with every line end", "spam", (s) => setAt(s, ["description"], "a\u2028b\u2029c\u0085d\re\nf\u0000g")],
  ["description with bidi controls", "iris", (s) => setAt(s, ["description"], "\u202e\u2066x\u2069\u200f")],
  ["an example name with U+2028", "spam", (s) => setAt(s, ["steps", "serve", "examples", 0, "name"], "a\u2028b")],
  ["an example text with U+2028 and bidi", "spam", (s) => setAt(s, ["steps", "serve", "examples", 0, "attributes", "text"], "x\u2028\u202ey`$(id)`")],
  ["an owner with odd characters", "iris", (s) => setAt(s, ["owners"], ["a.b-c_d"])],
  ["a label named constructor", "iris", (s) => setAt(setAt(s, ["model", "labels", 0], "constructor"), ["steps", "register", "schema", "species", "enum", 0], "constructor")],
];

describe("validate refuses first (issue 13, item 9)", () => {
  it.each(CASES)("%s", async (_, example, change) => {
    expectValidateFirst(await both(example, stringify(change(parse(text(example)) as Json))));
  });

  it.each([
    ["a line feed folder (once MESH306 at generate)", "teams/a\nb/spam/project.yaml"],
    ["a U+2028 folder", "teams/a\u2028b/spam/project.yaml"],
    ["a ${{ folder", "teams/${{ github.event.pull_request.title }}/spam/project.yaml"],
    ["a bidi folder", "teams/\u202eabc/spam/project.yaml"],
    ["a backslash folder", "teams/a\\b/spam/project.yaml"],
  ])("a spec in %s", async (_, specPath) => {
    const r = await both("spam", text("spam"), specPath);
    expectValidateFirst(r);
    expect(hasErrors(r.validated.diagnostics)).toBe(true);
  });

  // Numbers at and past the bounds servers and tools have (ports, 2^16 rows, 2^31 bytes, hours of
  // milliseconds), fractions where whole numbers are meant, negatives and zero: a spec bound
  // looser than the server's declaration once passed validate and failed generate.
  const EDGE_NUMBERS = [-1, 0, 0.5, 1, 1.5, 3, 1000, 1000.5, 4096, 4097, 65_535, 65_536, 65_537, 100_000, 600_001, 3_600_001, 2 ** 30, 2 ** 31, 1e12];
  it.each(EXAMPLES)("fuzz: edge numbers in every number of %s", async (example) => {
    const spec = parse(text(example)) as Json;
    const slots: (string | number)[][] = [];
    const walk = (v: Json, path: (string | number)[]) => {
      if (typeof v === "number") slots.push(path);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(spec, []);
    expect(slots.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...EDGE_NUMBERS), async (at, value) => {
        expectValidateFirst(await both(example, stringify(setAt(spec, slots[at % slots.length]!, value))));
      }),
      { numRuns: 150, seed: 14 },
    );
  });

  it.each(EXAMPLES)("fuzz: hostile strings in every string value and key of %s", async (example) => {
    const spec = parse(text(example)) as Json;
    const slots: { path: (string | number)[]; kind: "value" | "key" }[] = [];
    const walk = (v: Json, path: (string | number)[]) => {
      if (typeof v === "string") slots.push({ path, kind: "value" });
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v !== null && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          slots.push({ path: [...path, k], kind: "key" });
          walk(x, [...path, k]);
        }
    };
    walk(spec, []);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 6 }), async (at, hostile, tail) => {
        const slot = slots[at % slots.length]!;
        const value = `${hostile}${tail}`;
        let changed: Json;
        if (slot.kind === "value") changed = setAt(spec, slot.path, value);
        else {
          changed = structuredClone(spec);
          const parent = slot.path.slice(0, -1).reduce<Json>((n, s) => (n as Record<string, Json>)[s]!, changed) as Record<string, Json>;
          const old = String(slot.path.at(-1));
          const entries = Object.entries(parent).map(([k, v]) => [k === old ? value : k, v] as const);
          for (const k of Object.keys(parent)) delete parent[k];
          for (const [k, v] of entries) Object.defineProperty(parent, k, { value: v, enumerable: true, configurable: true, writable: true });
        }
        expectValidateFirst(await both(example, stringify(changed)));
      }),
      { numRuns: 150, seed: 13 },
    );
  });
});
