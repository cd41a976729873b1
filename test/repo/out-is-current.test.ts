/**
 * The committed `out/` is what the committed specs generate: the same gate as
 * `mesh generate --check` in CI, so a spec or generator change that forgets to regenerate
 * (or a hand edit of a generated file) fails the suite and names the files.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeHost } from "../../compiler/host.js";
import { generateWorkspace } from "../../compiler/emit/generate.js";
import { planLines } from "../../compiler/emit/report.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the repository's out/", () => {
  it("equals what the example specs generate (run `npx mesh generate` and commit out/ when this fails)", async () => {
    const outcome = await generateWorkspace(nodeHost(root), { outDir: "out", mode: "check", cache: false });
    expect(outcome.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const drift = planLines(outcome.plans ?? []);
    expect(drift, "files that differ from what the specs generate").toEqual([]);
    expect(outcome.changed).toBe(false);
  });
});
