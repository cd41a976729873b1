/**
 * Issue 13, item 7 (validate): a spec path is validated like an identifier before anything is
 * generated from it. Control characters, U+2028/U+2029, bidi and other invisible formatting
 * characters, `${{` and backslashes are refused with MESH037 at FILE:1:1 — and the printed
 * diagnostic shows the refused character as an escape instead of writing it to the terminal.
 */
import { describe, expect, it } from "vitest";
import { compileWorkspace } from "../../../compiler/pipeline.js";
import { formatDiagnostic } from "../../../compiler/diagnostics/format.js";
import { specPathProblem } from "../../../schemas/identifiers.js";
import { edit, exampleText, workspace } from "../../support/frontend/helpers.js";

const MESH_YAML = "apiVersion: mesh/v1\nkind: Workspace\nprojects: [teams/**/project.yaml]\n";
/** The iris example at `teams/<folder>/iris/project.yaml` (so the folder-name rule holds). */
const irisIn = (folder: string, text = exampleText("iris")) => workspace({ "mesh.yaml": MESH_YAML, [`teams/${folder}/iris/project.yaml`]: text });

const REFUSED: readonly [string, RegExp][] = [
  ["a\u2028b", /line or paragraph separator \(U\+2028\)/],
  ["a\u2029b", /line or paragraph separator \(U\+2029\)/],
  ["a\nb", /control character \(U\+000A\)/],
  ["a\u0085b", /control character \(U\+0085\)/],
  ["a\u001bb", /control character \(U\+001B\)/],
  ["\u202eevil", /invisible formatting character.*\(U\+202E\)/],
  ["a\u2066b\u2069", /invisible formatting character.*\(U\+2066\)/],
  ["a\u200bb", /invisible formatting character.*\(U\+200B\)/],
  ["${{ github.event.pull_request.title }}", /"\$\{\{", which GitHub Actions expands as an expression/],
  ["a\\b", /backslash/],
];

describe("spec paths (issue 13, item 7)", () => {
  it.each(REFUSED)("refuses a folder named %j at validate, at FILE:1:1", async (folder, why) => {
    const r = await compileWorkspace(irisIn(folder));
    expect(r.value).toBeUndefined();
    const d = r.diagnostics.filter((x) => x.code === "MESH037");
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ file: `teams/${folder}/iris/project.yaml`, line: 1, column: 1, severity: "error" });
    expect(d[0]!.message).toMatch(why);
    // Nothing else is wrong with the spec.
    expect(r.diagnostics.map((x) => x.code)).toEqual(["MESH037"]);
  });

  it("prints the refused character as an escape: the diagnostic stays one line and shows what it says", async () => {
    for (const [folder] of REFUSED) {
      const line = formatDiagnostic((await compileWorkspace(irisIn(folder))).diagnostics[0]!);
      expect(line.split("\n")[0]).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
      expect(line.startsWith("teams/")).toBe(true);
    }
    expect(formatDiagnostic((await compileWorkspace(irisIn("a\u2028b"))).diagnostics[0]!)).toMatch(/^teams\/a\\u\{2028\}b\/iris\/project\.yaml:1:1 error MESH037: the spec path holds/);
  });

  it("reports the path together with the spec's own problems", async () => {
    const r = await compileWorkspace(irisIn("a\u2028b", edit(exampleText("iris"), "port: 8001", "port: 80x")));
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(["MESH012", "MESH037"]);
  });

  it("accepts ordinary folder names: letters of any script, digits, spaces, quotes, $ and dots", async () => {
    for (const folder of ["team-a", "Équipe 2", "数据", "it's $HOME", "v1.2_x"]) {
      expect(specPathProblem(`teams/${folder}/iris/project.yaml`), folder).toBeUndefined();
      const r = await compileWorkspace(irisIn(folder));
      expect(r.diagnostics, folder).toEqual([]);
    }
  });

  it("refuses paths longer than a header holds", () => {
    expect(specPathProblem(`teams/${"a".repeat(300)}/project.yaml`)).toMatch(/longer than 200 characters/);
  });
});
