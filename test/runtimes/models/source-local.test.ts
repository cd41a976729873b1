/**
 * file:// and npm: sources: hashed in place, sorted, the Optimum layouts, and every way a
 * local path can point where it must not (absolute, `..` out of the workspace, symlinks out,
 * /proc and /dev, FIFOs — which must be refused without blocking).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { lockFromResolved, resolveModelSource, type ResolveOptions } from "../../../runtimes/models/index.js";
import { sha256, tempDir, write } from "../../support/models/workspace.js";

/** A workspace with a project folder `projects/app` holding the usual shapes of model. */
function workspace(): { root: string; o: ResolveOptions } {
  const root = tempDir({
    "projects/app/project.yaml": "kind: App\n",
    "projects/app/models/clf.onnx": "classifier graph",
    "projects/app/models/minilm/config.json": "{}",
    "projects/app/models/minilm/onnx/model.onnx": "bert graph",
    "projects/app/models/minilm/tokenizer.json": '{"model":{}}',
    "projects/app/models/minilm/.gitattributes": "*.onnx filter=lfs",
    "projects/app/models/minilm/.git/objects/pack": "not a model file",
    "projects/app/models/flat/model.onnx": "flat graph",
    "projects/app/models/flat/vocab.txt": "[PAD]\n",
    "shared/model.onnx": "shared graph",
    "node_modules/fake-models/package.json": '{"name":"fake-models"}',
    "node_modules/fake-models/models/tiny.onnx": "npm graph",
    "node_modules/@acme/models/package.json": '{"name":"@acme/models"}',
    "node_modules/@acme/models/minilm/model.onnx": "scoped graph",
    "node_modules/@acme/models/minilm/config.json": "{}",
  });
  return { root, o: { root, baseDir: path.join(root, "projects/app"), cacheDir: path.join(root, ".mesh/cache/models") } };
}

const reject = (uri: string, o: ResolveOptions) =>
  resolveModelSource(uri, o).then(
    () => expect.fail(`${uri} resolved`),
    (e: Error) => e,
  );

describe("file://", () => {
  test("one file: its path, sha256 and size, named by its file name", async () => {
    const { root, o } = workspace();
    const r = await resolveModelSource("file://models/clf.onnx", o);
    const abs = path.join(root, "projects/app/models/clf.onnx");
    expect(r).toEqual({ uri: "file://models/clf.onnx", kind: "file", path: abs, onnx: abs, files: [{ path: "clf.onnx", sha256: sha256("classifier graph"), size: 16 }] });
  });

  test("a folder in the onnx/model.onnx layout: sorted POSIX paths, hidden entries skipped", async () => {
    const { root, o } = workspace();
    const r = await resolveModelSource("file://models/minilm/", o);
    const dir = path.join(root, "projects/app/models/minilm");
    expect(r.kind).toBe("folder");
    expect(r.path).toBe(dir);
    expect(r.onnx).toBe(path.join(dir, "onnx/model.onnx"));
    expect(r.files).toEqual([
      { path: "config.json", sha256: sha256("{}"), size: 2 },
      { path: "onnx/model.onnx", sha256: sha256("bert graph"), size: 10 },
      { path: "tokenizer.json", sha256: sha256('{"model":{}}'), size: 12 },
    ]);
  });

  test("the model.onnx layout, and sorting by full path rather than walk order", async () => {
    const { root, o } = workspace();
    write(root, "projects/app/models/flat/a/b.txt", "b");
    write(root, "projects/app/models/flat/a.c", "c");
    const r = await resolveModelSource("file://models/flat", o);
    expect(r.onnx).toBe(path.join(root, "projects/app/models/flat/model.onnx"));
    // "a.c" < "a/b.txt" ('.' sorts before '/'), though a walk visits the folder "a" first.
    expect(r.files.map((f) => f.path)).toEqual(["a.c", "a/b.txt", "model.onnx", "vocab.txt"]);
  });

  test("a folder without an ONNX graph resolves without onnx", async () => {
    const { root, o } = workspace();
    write(root, "projects/app/models/weights/pytorch_model.bin", "w");
    expect((await resolveModelSource("file://models/weights", o)).onnx).toBeUndefined();
  });

  test("`..` may climb inside the workspace", async () => {
    const { o } = workspace();
    const r = await resolveModelSource("file://../../shared/model.onnx", o);
    expect(r.files).toEqual([{ path: "model.onnx", sha256: sha256("shared graph"), size: 12 }]);
  });

  test("symlinks inside the workspace are followed", async () => {
    const { root, o } = workspace();
    fs.symlinkSync(path.join(root, "shared/model.onnx"), path.join(root, "projects/app/models/linked.onnx"));
    fs.symlinkSync(path.join(root, "shared"), path.join(root, "projects/app/models/flat/shared"));
    expect((await resolveModelSource("file://models/linked.onnx", o)).files[0]!.sha256).toBe(sha256("shared graph"));
    expect((await resolveModelSource("file://models/flat", o)).files.map((f) => f.path)).toContain("shared/model.onnx");
  });

  test("an absolute path is refused", async () => {
    const { o } = workspace();
    const e = await reject("file:///etc/passwd", o);
    expect(e).toMatchObject({ code: "invalid-uri" });
    expect(e.message).toBe('invalid model source "file:///etc/passwd": file:// paths are relative to the project folder, not absolute (got /etc/passwd)');
  });

  test("`..` out of the workspace is refused", async () => {
    const { root, o } = workspace();
    const e = await reject("file://../../../elsewhere.onnx", o);
    expect(e).toMatchObject({ code: "outside" });
    expect(e.message).toBe(`file://../../../elsewhere.onnx resolves to ${path.join(path.dirname(root), "elsewhere.onnx")}, outside the workspace ${root}`);
  });

  test("a symlink to a file outside the workspace is refused, also inside a folder", async () => {
    const { root, o } = workspace();
    const outside = tempDir({ "secret.onnx": "not yours" });
    fs.symlinkSync(path.join(outside, "secret.onnx"), path.join(root, "projects/app/models/escape.onnx"));
    const e = await reject("file://models/escape.onnx", o);
    expect(e).toMatchObject({ code: "outside" });
    expect(e.message).toBe(`file://models/escape.onnx resolves to ${path.join(outside, "secret.onnx")}, outside the workspace ${root}; files and symlinks must stay inside it`);
    fs.symlinkSync(outside, path.join(root, "projects/app/models/minilm/extra"));
    expect((await reject("file://models/minilm", o)).message).toMatch(/^extra in file:\/\/models\/minilm resolves to .*, outside the workspace/);
  });

  test("symlinks into /proc and /dev are refused without reading them", async () => {
    const { root, o } = workspace();
    fs.symlinkSync("/proc/self/environ", path.join(root, "projects/app/models/env.onnx"));
    fs.symlinkSync("/dev/zero", path.join(root, "projects/app/models/zero.onnx"));
    expect((await reject("file://models/env.onnx", o)).message).toMatch(/^file:\/\/models\/env\.onnx resolves to \/proc\/\d+\/environ, inside \/proc, which mesh never reads$/);
    expect((await reject("file://models/zero.onnx", o)).message).toBe("file://models/zero.onnx resolves to /dev/zero, inside /dev, which mesh never reads");
  });

  test("a FIFO is refused at once, alone or inside a folder", { timeout: 5000 }, async () => {
    const { root, o } = workspace();
    execFileSync("mkfifo", [path.join(root, "projects/app/models/pipe.onnx")]);
    execFileSync("mkfifo", [path.join(root, "projects/app/models/flat/pipe")]);
    const alone = await reject("file://models/pipe.onnx", o);
    expect(alone).toMatchObject({ code: "not-regular", message: "file://models/pipe.onnx is a FIFO, not a model file or folder" });
    expect((await reject("file://models/flat", o)).message).toBe("pipe in file://models/flat is a FIFO; a model folder holds only regular files and folders");
  });

  test("a missing path says where it looked", async () => {
    const { root, o } = workspace();
    const e = await reject("file://models/nope.onnx", o);
    expect(e).toMatchObject({ code: "not-found", message: `file://models/nope.onnx not found (looked at ${path.join(root, "projects/app/models/nope.onnx")})` });
  });
});

describe("npm:", () => {
  test("a file in a package, and a folder in a scoped package", async () => {
    const { root, o } = workspace();
    const file = await resolveModelSource("npm:fake-models/models/tiny.onnx", o);
    expect(file).toMatchObject({ kind: "file", path: path.join(root, "node_modules/fake-models/models/tiny.onnx"), files: [{ path: "tiny.onnx", sha256: sha256("npm graph"), size: 9 }] });
    const folder = await resolveModelSource("npm:@acme/models/minilm", o);
    expect(folder.files.map((f) => f.path)).toEqual(["config.json", "model.onnx"]);
    expect(folder.onnx).toBe(path.join(root, "node_modules/@acme/models/minilm/model.onnx"));
  });

  test("a package in the project folder's own node_modules wins over the workspace's", async () => {
    const { root, o } = workspace();
    write(root, "projects/app/node_modules/fake-models/package.json", "{}");
    write(root, "projects/app/node_modules/fake-models/models/tiny.onnx", "nearer graph");
    expect((await resolveModelSource("npm:fake-models/models/tiny.onnx", o)).files[0]!.sha256).toBe(sha256("nearer graph"));
  });

  test("a package that is not installed says how to install it", async () => {
    const { o } = workspace();
    expect((await reject("npm:missing-pkg/model.onnx", o)).message).toBe("npm:missing-pkg/model.onnx: package missing-pkg is not installed in the workspace (npm install missing-pkg)");
  });

  test("a symlink out of the package is refused", async () => {
    const { root, o } = workspace();
    fs.symlinkSync(path.join(root, "shared/model.onnx"), path.join(root, "node_modules/fake-models/models/out.onnx"));
    expect((await reject("npm:fake-models/models/out.onnx", o)).message).toMatch(/^npm:fake-models\/models\/out\.onnx resolves to .*shared\/model\.onnx, outside package fake-models \(/);
  });
});

describe("local sources against a lock", () => {
  test("changed, missing and unpinned files are each named", async () => {
    const { root, o } = workspace();
    const lock = lockFromResolved(await resolveModelSource("file://models/flat", o));
    expect(await resolveModelSource("file://models/flat", { ...o, lock })).toMatchObject({ kind: "folder" });
    const vocab = path.join(root, "projects/app/models/flat/vocab.txt");
    fs.writeFileSync(vocab, "[UNK]\n");
    expect((await reject("file://models/flat", { ...o, lock })).message).toBe(
      `vocab.txt from file://models/flat does not match model.lock.json: expected sha256 ${sha256("[PAD]\n")}, got ${sha256("[UNK]\n")}`,
    );
    fs.rmSync(vocab);
    expect((await reject("file://models/flat", { ...o, lock })).message).toBe("file://models/flat has no vocab.txt, which model.lock.json pins; restore it or update the lock");
    fs.writeFileSync(vocab, "[PAD]\n");
    write(root, "projects/app/models/flat/notes.md", "hi");
    const extra = await reject("file://models/flat", { ...o, lock });
    expect(extra).toMatchObject({ code: "mismatch", message: "file://models/flat holds notes.md, which model.lock.json does not pin; remove it or update the lock" });
  });
});
