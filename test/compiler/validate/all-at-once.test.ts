/**
 * Issue 13, item 14: `mesh validate` reports every problem at once where the spec can be read.
 * Schema errors no longer hide the cross-field rules (run on the parts that validated) nor the
 * workspace-wide rules (run on every spec whose name and key are valid) — and a rule whose
 * answer could depend on a refused part says nothing, so no consequential noise is reported.
 */
import { describe, expect, it } from "vitest";
import { compileLines, edit, exampleText, workspace } from "../../support/frontend/helpers.js";

const IRIS = exampleText("iris");
const I = "projects/iris/project.yaml";
const at = (lines: readonly string[]) => lines.map((l) => l.split(": ")[0]);
const check = async (text: string, extra: Record<string, string> = {}) => (await compileLines(workspace({ [I]: text, ...extra }))).lines;

/** Schema errors (epochs, port), cross-field errors (a feature column, an example) and a workspace rule (folder name). */
function brokenEverywhere(fixSchema = false): string {
  let t = IRIS;
  if (!fixSchema) t = edit(edit(t, "port: 8001", 'port: "80x"'), "epochs: 200", "epochs: -5");
  t = edit(t, "name: iris", "name: irises");
  t = edit(t, "      petal_width: number\n", "");
  return edit(t, "attributes: { sepal_length: 5.1,", "attributes: { sepal_lenght: 5.1,");
}

describe("all problems at once (issue 13, item 14)", () => {
  it("reports schema, cross-field and workspace-rule errors of one spec in one run", async () => {
    expect(at(await check(brokenEverywhere()))).toEqual([
      `${I}:4:7 error MESH033 name`,
      `${I}:25:5 error MESH025 steps.register.schema`,
      `${I}:34:23 error MESH015 steps.train.params.epochs`,
      `${I}:41:11 error MESH012 steps.serve.port`,
      `${I}:46:9 error MESH028 steps.serve.examples.0.attributes`,
      `${I}:46:23 error MESH028 steps.serve.examples.0.attributes.sepal_lenght`,
    ]);
  });

  it("fixing the schema errors reveals nothing new: the next run lists what the first one did, minus the fixes", async () => {
    const first = await check(brokenEverywhere());
    const second = await check(brokenEverywhere(true));
    expect(second.length).toBe(4);
    for (const line of second) expect(first).toContain(line);
  });

  it("applies the workspace rules to specs with errors: duplicate names and keys across files", async () => {
    const other = edit(edit(IRIS, "port: 8001", "port: 8009"), "epochs: 200", "epochs: -5");
    const lines = await check(IRIS, { "teams/iris/project.yaml": other, "mesh.yaml": "apiVersion: mesh/v1\nkind: Workspace\nprojects: [projects/*/project.yaml, teams/*/project.yaml]\n" });
    expect(at(lines)).toEqual([
      "teams/iris/project.yaml:4:7 error MESH031 name",
      "teams/iris/project.yaml:5:6 error MESH032 key",
      "teams/iris/project.yaml:35:23 error MESH015 steps.train.params.epochs",
    ]);
  });

  describe("no consequential noise", () => {
    it.each([
      ["a misspelt step (trainr for train) does not make compile and serve need train", edit(IRIS, "  train:\n", "  trainr:\n"), [`${I}:33:3 error MESH013 steps.trainr`]],
      [
        "a broken target column is not reported missing",
        edit(IRIS, "species: { enum: [setosa, versicolor, virginica] }", "species: { enum: [setosa, 5] }"),
        [`${I}:30:33 error MESH012 steps.register.schema.species.enum.1`],
      ],
      ["a broken feature column list says nothing about register's columns", edit(IRIS, "petal_length, petal_width]\n", "petal_length, 5]\n"), [`${I}:15:56 error MESH012 model.features.columns.3`]],
      [
        "a broken attribute in one example hides nothing else but that example's checks",
        edit(IRIS, "attributes: { sepal_length: 7.7,", 'attributes: { sepal_length: "x",'),
        [`${I}:50:37 error MESH028 steps.serve.examples.1.attributes.sepal_length`],
      ],
      [
        "an invalid name or key skips the workspace rules, not the spec's own",
        edit(edit(IRIS, "name: iris", "name: Iris"), "port: 8001", "port: 0"),
        [`${I}:4:7 error MESH016 name`, `${I}:42:11 error MESH015 steps.serve.port`],
      ],
    ])("%s", async (_, text, expected) => {
      expect(at(await check(text))).toEqual(expected);
    });
  });

  it("a required top-level field refused: the schema's errors alone, as before", async () => {
    expect(at(await check(edit(IRIS, "task: tabular-classification", "task: tabular")))).toEqual([`${I}:10:9 error MESH017 model.task`]);
  });
});
