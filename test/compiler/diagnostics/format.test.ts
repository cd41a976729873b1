/** The diagnostics registry and the two output formats. */
import { describe, expect, it } from "vitest";
import { MESSAGES, createDiagnostic, formatMessage } from "../../../compiler/diagnostics/registry.js";
import { formatDiagnostic, formatDiagnosticJson, formatDiagnostics, sortDiagnostics } from "../../../compiler/diagnostics/format.js";
import { didYouMean, levenshtein } from "../../../runtimes/support/did-you-mean.js";

const at = (file: string, line: number, column: number, path = "a.b") => ({ file, line, column, path });

describe("registry", () => {
  it("gives every message a unique MESH code", () => {
    const codes = Object.values(MESSAGES).map((m) => m.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^MESH\d{3}$/);
  });
  it("fills templates from parameters", () => {
    const d = createDiagnostic("out-of-range", at("f.yaml", 3, 7), { expected: "integer ≥ 1", got: "0" }, "try 1");
    expect(d).toEqual({ file: "f.yaml", line: 3, column: 7, severity: "error", code: "MESH015", path: "a.b", message: "expected integer ≥ 1, got 0", hint: "try 1" });
    expect(formatMessage("{a} and {b} and {c}", { a: 1, b: "x" })).toBe("1 and x and {c}");
  });
});

describe("formats", () => {
  const d1 = createDiagnostic("unknown-key", at("b.yaml", 2, 5, "steps.x"), { key: "x", suggestion: "" }, "allowed here: a");
  const d2 = createDiagnostic("file-not-found", at("a.yaml", 0, 0, ""), {});
  const d3 = createDiagnostic("yaml-warning", at("b.yaml", 1, 9, ""), { message: "unresolved tag" });
  it("text: FILE:LINE:COL severity CODE path: message, hint indented; no position when there is none", () => {
    expect(formatDiagnostic(d1)).toBe('b.yaml:2:5 error MESH013 steps.x: unknown key "x"\n    hint: allowed here: a');
    expect(formatDiagnostic(d2)).toBe("a.yaml error MESH001: file not found");
    expect(formatDiagnostic(d3)).toBe("b.yaml:1:9 warning MESH011: YAML: unresolved tag");
  });
  it("json: one object per line with stable keys", () => {
    expect(formatDiagnosticJson(d1)).toBe('{"file":"b.yaml","line":2,"column":5,"severity":"error","code":"MESH013","path":"steps.x","message":"unknown key \\"x\\"","hint":"allowed here: a"}');
    expect(
      formatDiagnostics([d1, d2], "json")
        .split("\n")
        .map((l) => JSON.parse(l).file),
    ).toEqual(["a.yaml", "b.yaml"]);
  });
  it("sorts by file, line, column", () => {
    expect(sortDiagnostics([d1, d3, d2]).map((d) => `${d.file}:${d.line}`)).toEqual(["a.yaml:0", "b.yaml:1", "b.yaml:2"]);
  });
});

describe("did you mean", () => {
  it("measures edits", () => {
    expect(levenshtein("batchng", "batching")).toBe(1);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("kitten", "sitting")).toBe(3);
  });
  it("suggests only plausible typos, ignoring case", () => {
    expect(didYouMean("batchng", ["port", "batching", "limits"])).toBe("batching");
    expect(didYouMean("Port", ["port", "host"])).toBe("port");
    expect(didYouMean("zzzzzz", ["port", "batching"])).toBeUndefined();
    expect(didYouMean("x", ["port"])).toBeUndefined();
  });
});
