/** Every way a file can be unusable before validation: each is a positioned diagnostic. */
import { describe, expect, it } from "vitest";
import { loadYaml, MAX_SPEC_BYTES } from "../../../compiler/load/load-yaml.js";
import { decodeUtf8, firstInvalidByte } from "../../../compiler/load/decode-utf8.js";
import { formatDiagnostic } from "../../../compiler/diagnostics/format.js";
import { memoryHost } from "../../support/memory-host.js";

const F = "projects/x/project.yaml";
const load = (content: string | Uint8Array) => {
  const r = loadYaml(memoryHost({ [F]: content }), F);
  return { ...r, lines: r.diagnostics.map(formatDiagnostic) };
};

describe("loadYaml", () => {
  it("returns the mapping of a well-formed file", () => {
    const r = load("apiVersion: mesh/v1\nname: x\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.value).toEqual({ apiVersion: "mesh/v1", name: "x" });
  });

  it("reports a missing file", () => {
    const r = loadYaml(memoryHost({}), F);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([`${F} error MESH001: file not found`]);
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(load("a: [1, 2\nb: 3\n").lines).toEqual([`${F}:2:1 error MESH006: YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]`]);
    expect(load("name: x\nsteps: a: b\n").lines[0]).toMatch(/^projects\/x\/project\.yaml:2:\d+ error MESH006: YAML syntax error: /);
  });

  it("refuses duplicate keys, naming the key and pointing at the second one", () => {
    expect(load("name: x\nkey: X\nname: y\n").lines).toEqual([`${F}:3:1 error MESH007: duplicate key "name"; each key may appear once per mapping`]);
    expect(load("a:\n  b: 1\n  'b': 2\n").lines).toEqual([`${F}:3:3 error MESH007: duplicate key "b"; each key may appear once per mapping`]);
  });

  it("refuses tabs in indentation but accepts a tab after a colon", () => {
    expect(load("a:\n\tb: 1\n").lines).toEqual([`${F}:2:1 error MESH008: tab character used for indentation; YAML indents with spaces`]);
    expect(load("a:\n  b:\t1\n").value?.value).toEqual({ a: { b: 1 } });
  });

  it("stops alias bombs fast, at the first alias", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? "*a" : `*l${i - 1}`)
          .join(", ")}]`,
      );
    const t0 = process.hrtime.bigint();
    const r = load(`${levels.join("\n")}\n`);
    expect(r.lines).toEqual([
      `${F}:2:10 error MESH009: aliases expand to too many nodes (at most 100 alias uses); refusing a possible alias bomb\n    hint: write the values out instead of nesting aliases`,
    ]);
    // 10^9 nodes if expanded; bounded expansion answers at once (generous bound, not a benchmark).
    expect(Number(process.hrtime.bigint() - t0) / 1e9).toBeLessThan(5);
  });

  it("accepts a few aliases", () => {
    expect(load("a: &x [1, 2]\nb: *x\n").value?.value).toEqual({ a: [1, 2], b: [1, 2] });
  });

  it("reports an alias to an anchor that does not exist", () => {
    expect(load("a: *nothing\n").lines[0]).toMatch(/^projects\/x\/project\.yaml:1:4 error MESH006: YAML syntax error: unresolved alias/);
  });

  it("refuses a root that is not a mapping", () => {
    expect(load("- a\n- b\n").lines).toEqual([`${F}:1:1 error MESH010: the document must be a mapping of keys to values, got a list`]);
    expect(load("# spec\nhello\n").lines).toEqual([`${F}:2:1 error MESH010: the document must be a mapping of keys to values, got the scalar "hello"`]);
  });

  it("refuses empty files, whitespace-only and comment-only ones", () => {
    const msg = `${F}:1:1 error MESH005: file is empty; expected a mapping such as \`apiVersion: mesh/v1\``;
    expect(load("").lines).toEqual([msg]);
    expect(load(" \n\n\t\n").lines).toEqual([msg]);
    expect(load("# nothing here\n").lines).toEqual([msg]);
  });

  it("refuses bytes that are not UTF-8, at the line and column of the first bad byte", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("name: x\ndescription: caf"), 0xe9, ...new TextEncoder().encode("\n")]);
    const r = load(bytes);
    expect(r.lines).toEqual([`${F}:2:17 error MESH004: file is not valid UTF-8 (byte 0xe9 cannot start or continue a character here)\n    hint: save the file as UTF-8`]);
  });

  it("refuses files over 1 MiB without reading them", () => {
    const host = memoryHost({ [F]: `a: "${"x".repeat(MAX_SPEC_BYTES)}"\n` });
    let reads = 0;
    const counting = { ...host, readFile: (p: string) => (reads++, host.readFile(p)) };
    const r = loadYaml(counting, F);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([`${F} error MESH003: file is ${MAX_SPEC_BYTES + 6} bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes (1 MiB)`]);
    expect(reads).toBe(0);
  });

  it("accepts a file of exactly 1 MiB", () => {
    const body = "a: x\n";
    const pad = `#${"-".repeat(MAX_SPEC_BYTES - body.length - 2)}\n`;
    expect(load(pad + body).diagnostics).toEqual([]);
  });

  it("refuses several documents in one file", () => {
    expect(load("a: 1\n---\nb: 2\n").lines[0]).toMatch(/MESH006: YAML syntax error: source contains multiple documents/);
  });

  it("refuses nesting deeper than 64 levels without overflowing the stack", () => {
    expect(load(`a: ${"[".repeat(70)}${"]".repeat(70)}\n`).lines[0]).toMatch(/MESH006: YAML syntax error: mappings and lists nest deeper than 64 levels/);
    // Refused by a linear scan before the parser recurses (a stack overflow inside V8's
    // regexp compiler aborts the process instead of throwing); quotes and comments don't count.
    expect(load(`a: ${"[".repeat(20000)}\n`).lines).toEqual([`${F}:1:68 error MESH006: YAML syntax error: mappings and lists nest deeper than 64 levels`]);
    expect(load(`# ${"[".repeat(100)}\na: "${"{".repeat(100)}"\nb: '${"[".repeat(100)}'\nc: [[1]]\n`).lines).toEqual([]);
  });
});

describe("decodeUtf8", () => {
  it("finds the first invalid byte: stray continuation, overlong form, surrogate, truncation", () => {
    expect(firstInvalidByte(new Uint8Array([0x61, 0x80]))).toBe(1);
    expect(firstInvalidByte(new Uint8Array([0xc0, 0xaf]))).toBe(0);
    expect(firstInvalidByte(new Uint8Array([0x61, 0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidByte(new Uint8Array([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
    expect(firstInvalidByte(new TextEncoder().encode("ok ✓ 🎉"))).toBe(11);
  });

  it("counts columns in characters, not bytes", () => {
    const r = decodeUtf8(new Uint8Array([...new TextEncoder().encode("é✓"), 0xff]));
    expect(r).toMatchObject({ ok: false, line: 1, column: 3, byte: 0xff });
  });

  it("drops a byte order mark", () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ ok: true, text: "a" });
  });
});

describe("reserved keys", () => {
  it("refuses __proto__ anywhere, since it would vanish from (or pollute) objects later", () => {
    expect(load("a:\n  __proto__: { polluted: true }\nb: [{ __proto__: 1 }]\n").lines).toEqual([
      `${F}:2:3 error MESH034: key "__proto__" is reserved in JavaScript objects and cannot be used`,
      `${F}:3:7 error MESH034: key "__proto__" is reserved in JavaScript objects and cannot be used`,
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
