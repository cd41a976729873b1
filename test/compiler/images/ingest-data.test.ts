/**
 * Issue 13, item 13: a workspace-local `file://` ingest source ships in the ingest image.
 * Staged without Docker: the context holds the data at `workspace/<path>` (→ /app/<path>),
 * and replaying the staged context as the container's /app (workspace/ and step.json) runs the
 * image's entry point, step-main.js, there. Sources that leave the workspace, absolute paths inside it, and data above the
 * bound are refused at build with one sentence.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BuildError } from "../../../compiler/images/errors.js";
import { stageStep } from "../../../compiler/images/stage-step.js";
import { INGEST_DATA_MAX_BYTES, localIngestSource } from "../../../generators/support/image-layout.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { projectIR, ROOT } from "../../support/images/support.js";

const tmp = mkdtempSync(join(tmpdir(), "mesh-ingest-data-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const IRIS = readFileSync(join(ROOT, "projects/iris/project.yaml"), "utf8");
const CSV = `sepal_length,sepal_width,petal_length,petal_width,species\n${Array.from({ length: 30 }, (_, i) => `5.${i % 10},3.${i % 7},1.${i % 5},0.${i % 3},${["setosa", "versicolor", "virginica"][i % 3]}`).join("\n")}\n`;

/** A workspace whose iris spec ingests `uri` (csv), with `files` beside it. */
function workspaceWith(name: string, uri: string, files: Record<string, string> = {}, extra = "") {
  const root = join(tmp, name);
  const spec = IRIS.replace(/ {4}source:\n {6}uri: "[^"]*"\n {6}format: json\n {6}columns: \[[^\]]*\]\n/, `    source:\n      uri: "${uri}"\n      format: csv\n${extra}`);
  if (spec === IRIS) throw new Error("the iris spec's ingest block changed shape");
  for (const [rel, text] of Object.entries({ "projects/iris/project.yaml": spec, ...files })) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** Writes a staged context's `workspace/` root and step.json to a folder: what the image's COPYs make of /app. */
function replayApp(entries: Awaited<ReturnType<typeof stageStep>>["entries"], app: string) {
  for (const e of entries) {
    if (!e.path.startsWith("workspace/") && e.path !== "step.json") continue;
    const target = join(app, e.path.replace(/^workspace\//, ""));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, e.bytes ?? readFileSync(e.localPath!));
  }
}

describe("workspace-local ingest data in the ingest image", () => {
  it("file://data/x.csv is staged at workspace/data/x.csv, and the replayed /app ingests it", async () => {
    const root = workspaceWith("single", "file://data/x.csv", { "data/x.csv": CSV });
    const ir = await projectIR("iris", root);
    expect(localIngestSource(ir)).toBe("data/x.csv");
    const staged = await stageStep(root, ir, "ingest");
    const paths = staged.entries.map((e) => e.path).sort();
    expect(paths).toEqual([".dockerignore", "Dockerfile", "step.json", "workspace/data/x.csv"]);
    // Only the ingest image carries the data.
    expect((await stageStep(root, ir, "register")).entries.map((e) => e.path)).not.toContain("workspace/data/x.csv");

    const app = join(tmp, "single-app");
    replayApp(staged.entries, app);
    // What the container runs: the entry point over /app/step.json, no spec in sight.
    const r = spawnSync(process.execPath, [join(ROOT, "dist/runtimes/lifecycle/step-main.js"), "--config", join(app, "step.json"), "--step", "ingest"], {
      cwd: app,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: tmp, MESH_REGISTRY: "file://registry" },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ingest +done in .*raw-1: 30 rows from file:\/\/data\/x\.csv \(csv\)/);
    expect(await openRegistry(`file://${app}/registry`).listDatasetVersions("iris", "raw")).toEqual([1]);
  });

  it("a folder source is staged file by file; links out of the workspace and FIFOs are left out", async () => {
    const outside = join(tmp, "outside-secret.csv");
    writeFileSync(outside, "secret\n");
    const root = workspaceWith("folder", "file://data/sets", { "data/sets/a.csv": CSV, "data/sets/more/b.csv": CSV });
    symlinkSync(outside, join(root, "data/sets/link.csv"));
    const staged = await stageStep(root, await projectIR("iris", root), "ingest");
    expect(
      staged.entries
        .map((e) => e.path)
        .filter((p) => p.includes("/data/"))
        .sort(),
    ).toEqual(["workspace/data/sets/a.csv", "workspace/data/sets/more/b.csv"]);
  });

  it("a missing source, a link out of the workspace and an absolute path inside it fail the build with one sentence", async () => {
    const missing = workspaceWith("missing", "file://data/nope.csv");
    await expect(stageStep(missing, await projectIR("iris", missing), "ingest")).rejects.toThrow(/^the ingest source file:\/\/data\/nope\.csv not found \(looked at .*data\/nope\.csv\)/);

    const secret = join(tmp, "secret.csv");
    writeFileSync(secret, CSV);
    const linked = workspaceWith("linked", "file://data/x.csv", {});
    mkdirSync(join(linked, "data"), { recursive: true });
    symlinkSync(secret, join(linked, "data/x.csv"));
    // Validation already refuses this link (MESH038); staging checks on its own, for IR built elsewhere.
    const ir = await projectIR("iris", workspaceWith("linked-ir", "file://data/x.csv", { "data/x.csv": CSV }));
    await expect(stageStep(linked, ir, "ingest")).rejects.toThrow(/resolves to .*secret\.csv \(through a symbolic link\), outside the workspace .*; the ingest image carries only workspace files$/);

    const abs = workspaceWith("absolute", `file://${join(tmp, "absolute")}/data/x.csv`, { "data/x.csv": CSV });
    await expect(stageStep(abs, await projectIR("iris", abs), "ingest")).rejects.toThrow(
      `the ingest source file://${abs}/data/x.csv is an absolute path inside the workspace, which the ingest image holds at /app: write it relative to the workspace root (file://data/x.csv)`,
    );
  });

  it("data above the bound (the spec's max_bytes, at most INGEST_DATA_MAX_BYTES) fails the build and says what to do", async () => {
    const root = workspaceWith("big", "file://data/x.csv", { "data/x.csv": CSV }, "      max_bytes: 100\n");
    const ir = await projectIR("iris", root);
    const err = await stageStep(root, ir, "ingest").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as Error).message).toBe(
      `the ingest source file://data/x.csv holds 0.0 MiB (${Buffer.byteLength(CSV)} bytes), more than the spec's ingest.source.max_bytes, 100 bytes: put the data on s3:// or https://, or run the ingest step on the host (mesh run iris --only ingest), whose raw snapshot in the registry is what the later step images read`,
    );
    expect(INGEST_DATA_MAX_BYTES).toBe(256 * 1024 * 1024);
  });
});
