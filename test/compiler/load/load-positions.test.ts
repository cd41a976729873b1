/**
 * Issue 13, item 15: every load problem of a file that exists has a position an editor can jump
 * to — an empty spec at 1:1, too-deep nesting at the line that nests too deep — and a spec saved
 * with CR line ends (YAML 1.2 line breaks) is read, not called empty.
 */
import { describe, expect, it } from "vitest";
import { loadYaml, MAX_DEPTH } from "../../../compiler/load/load-yaml.js";
import { formatDiagnostic } from "../../../compiler/diagnostics/format.js";
import { memoryHost } from "../../support/memory-host.js";
import { compileSpec, exampleText } from "../../support/frontend/helpers.js";

const F = "projects/x/project.yaml";
const load = (content: string) => {
  const r = loadYaml(memoryHost({ [F]: content }), F);
  return { ...r, lines: r.diagnostics.map(formatDiagnostic) };
};
const EMPTY = `${F}:1:1 error MESH005: file is empty; expected a mapping such as \`apiVersion: mesh/v1\``;

describe("load positions (issue 13, item 15)", () => {
  it("reports an empty, blank or comment-only spec at 1:1", () => {
    expect(load("").lines).toEqual([EMPTY]);
    expect(load(" \n\n\t\n").lines).toEqual([EMPTY]);
    expect(load("# nothing here\n").lines).toEqual([EMPTY]);
    expect(load("\r\r\r").lines).toEqual([EMPTY]);
  });

  it("reads a spec with CR line ends like the same spec with LF line ends", async () => {
    const lf = exampleText("iris");
    const cr = lf.replace(/\n/g, "\r");
    const r = load(cr);
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.value).toEqual(load(lf).value?.value);
    const compiled = await compileSpec(cr, "iris");
    expect(compiled.lines).toEqual([]);
    expect(compiled.value?.[0]?.name).toBe("iris");
  });

  it("positions problems in a CR-only spec on the right line", () => {
    expect(load("a: 1\rb: [\r").lines[0]).toMatch(/^projects\/x\/project\.yaml:[23]:\d+ error MESH006/);
    expect(load("a: 1\ra: 2\r").lines).toEqual([`${F}:2:1 error MESH007: duplicate key "a"; each key may appear once per mapping`]);
  });

  it("reports block nesting that is too deep at the line that nests too deep", () => {
    const lines = ["apiVersion: mesh/v1", "name: x", "deep:"];
    for (let i = 1; i <= MAX_DEPTH + 5; i++) lines.push(`${"  ".repeat(i)}k${i}:`);
    lines[lines.length - 1] += " 1";
    const r = load(`${lines.join("\n")}\n`);
    expect(r.lines).toHaveLength(1);
    // `deep` is level 1, k1 level 2, …: the first node below MAX_DEPTH levels is the value of k{MAX_DEPTH - 1}.
    const line = lines.findIndex((l) => l.trim() === `k${MAX_DEPTH}:`) + 1;
    expect(r.lines[0]).toMatch(new RegExp(`^projects/x/project\\.yaml:${line}:\\d+ error MESH006 [^:]*: YAML syntax error: mappings and lists nest deeper than ${MAX_DEPTH} levels$`));
  });

  it("reports nested block lists that are too deep on their line, not at the top of the file", () => {
    const lines = ["apiVersion: mesh/v1", "name: x", "deep:"];
    for (let i = 1; i <= MAX_DEPTH + 2; i++) lines.push(`${"  ".repeat(i)}- k${i}:`);
    lines[lines.length - 1] += " 1";
    const r = load(`${lines.join("\n")}\n`);
    expect(r.lines).toHaveLength(1);
    const [, line] = /:(\d+):\d+ error MESH006/.exec(r.lines[0]!) ?? [];
    expect(Number(line)).toBeGreaterThan(MAX_DEPTH / 2);
  });
});
