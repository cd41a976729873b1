/**
 * Invalid fixtures pin the EXACT diagnostic output: each `test/fixtures/invalid/<case>.yaml`
 * has `<case>.expected` beside it holding the lines `mesh validate` prints for it.
 * To review a change on purpose: `MESH_UPDATE_FIXTURES=1 npx vitest run test/compiler/validate/fixtures.test.ts`,
 * then read the diff before committing it.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nodeHost } from "../../../compiler/host.js";
import { compileWorkspace } from "../../../compiler/pipeline.js";
import { formatDiagnostics } from "../../../compiler/diagnostics/format.js";
import { REPO } from "../../support/frontend/helpers.js";

const DIR = "test/fixtures/invalid";
const cases = readdirSync(`${REPO}${DIR}`)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

describe("invalid fixtures", () => {
  it("exist", () => expect(cases.length).toBeGreaterThanOrEqual(12));

  it.each(cases)("%s", async (file) => {
    const result = await compileWorkspace(nodeHost(REPO), { specPaths: [`${DIR}/${file}`] });
    expect(result.value).toBeUndefined();
    const actual = `${formatDiagnostics(result.diagnostics)}\n`;
    const expectedPath = `${REPO}${DIR}/${file.replace(/\.yaml$/, ".expected")}`;
    if (process.env.MESH_UPDATE_FIXTURES === "1") writeFileSync(expectedPath, actual);
    expect(actual).toBe(readFileSync(expectedPath, "utf8"));
  });
});
