/**
 * The generate cache's stat signatures on a real disk: an output file whose signature holds is
 * not read, and every way a file can change behind mesh's back — an edit of the same size with
 * its mtime put back, a chmod, a link in its place, an edit within the clock tick the cache
 * cannot tell apart — is still seen and repaired by the next generate.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateWorkspace } from "../../../compiler/generate/generate-workspace.js";
import { nodeHost, type Host } from "../../../compiler/host.js";
import { CACHE_FILE } from "../../../compiler/plan/cache.js";
import type { GeneratedFile, ProjectIR } from "../../../compiler/ir.js";
import { fakeGenerate, readTree, tempWorkspace } from "../../support/emit/fixtures.js";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function workspace(): string {
  const dir = tempWorkspace(["alpha"]);
  dirs.push(dir);
  return dir;
}

/** A real host that counts the output files it reads. */
function countingHost(root: string) {
  const inner = nodeHost(root);
  const reads: string[] = [];
  const host: Host = {
    ...inner,
    readFile: (p) => {
      if (p.startsWith("out/")) reads.push(p);
      return inner.readFile(p);
    },
  };
  return { host, reads };
}

const generate = (host: Host, g: (ir: ProjectIR) => GeneratedFile[] = fakeGenerate, mode: "write" | "check" = "write") =>
  generateWorkspace(host, { outDir: "out", mode, generate: g, fingerprint: "fake-v1" });

/** Moves the cache file's ctime past every output's (a later run rewrote it), as time passing does. */
async function ageOutputs(root: string) {
  await new Promise((r) => setTimeout(r, 20));
  const cache = path.join(root, CACHE_FILE);
  fs.writeFileSync(`${cache}.tmp`, fs.readFileSync(cache));
  fs.renameSync(`${cache}.tmp`, cache);
}

describe("stat signatures", () => {
  it("a no-op run reads no output file but the manifest once its signatures are older than the cache", async () => {
    const root = workspace();
    await generate(nodeHost(root));
    await ageOutputs(root);
    const cacheBefore = fs.statSync(path.join(root, CACHE_FILE), { bigint: true }).ctimeNs;
    const { host, reads } = countingHost(root);
    const r = await generate(host);
    expect(r.changed).toBe(false);
    expect(r.cached).toBe(1);
    expect(reads).toEqual(["out/alpha/.mesh-manifest.json"]);
    // Nothing to record either: a no-op writes nothing, not even the cache.
    expect(fs.statSync(path.join(root, CACHE_FILE), { bigint: true }).ctimeNs).toBe(cacheBefore);
  });

  it("an edit of the same size with its mtime restored is rewritten on the next generate", async () => {
    const root = workspace();
    await generate(nodeHost(root));
    const good = readTree(path.join(root, "out"));
    // A whole-second mtime, so that utimes can put it back exactly; the next run records it.
    const file = path.join(root, "out/alpha/Makefile");
    const second = Math.floor(Date.now() / 1000) - 60;
    fs.utimesSync(file, second, second);
    expect((await generate(nodeHost(root))).changed).toBe(false);
    await ageOutputs(root);
    const before = fs.statSync(file, { bigint: true });
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, text.replace("all:", "xyz:"));
    fs.utimesSync(file, second, second);
    const after = fs.statSync(file, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);

    const check = await generate(nodeHost(root), fakeGenerate, "check");
    expect(check.changed).toBe(true);
    await generate(nodeHost(root));
    expect(readTree(path.join(root, "out"))).toEqual(good);
  });

  it("a chmod, a link to identical bytes, or a replaced file of the same size and mtime is repaired", async () => {
    const tampers: ((file: string) => void)[] = [
      (file) => fs.chmodSync(file, 0o755),
      (file) => {
        const copy = `${file}.elsewhere`;
        fs.copyFileSync(file, copy);
        fs.rmSync(file);
        fs.symlinkSync(path.basename(copy), file);
      },
      (file) => {
        const st = fs.statSync(file);
        const text = fs.readFileSync(file, "utf8");
        fs.writeFileSync(`${file}.new`, text.replace("all:", "xyz:"));
        fs.utimesSync(`${file}.new`, st.atime, st.mtime);
        fs.renameSync(`${file}.new`, file);
      },
    ];
    for (const tamper of tampers) {
      const root = workspace();
      await generate(nodeHost(root));
      await ageOutputs(root);
      tamper(path.join(root, "out/alpha/Makefile"));
      const check = await generate(nodeHost(root), fakeGenerate, "check");
      expect(check.changed).toBe(true);
      const r = await generate(nodeHost(root));
      expect(r.plans!.flatMap((p) => p.files.filter((f) => f.action !== "unchanged").map((f) => `${f.action} ${f.path}`))).toEqual(["update Makefile"]);
      expect(fs.lstatSync(path.join(root, "out/alpha/Makefile")).isFile()).toBe(true);
      expect(fs.readFileSync(path.join(root, "out/alpha/Makefile"), "utf8")).toContain("all:");
    }
  });

  it("a file whose signature is not older than the cache is hashed, so a same-tick edit is still seen", async () => {
    const root = workspace();
    await generate(nodeHost(root));
    await ageOutputs(root);
    // A file system that cannot tell the edit apart: the edited file reports the recorded
    // signature, whose ctime is the cache file's own (a change in the same clock tick).
    const inner = nodeHost(root);
    const recorded = inner.fileStat!("out/alpha/Makefile")!;
    const tick = recorded.ctimeNs + 1000n;
    const sameTick = { ...recorded, ctimeNs: tick, signature: recorded.signature.replace(/:\d+:(\d+)$/, `:${tick}:$1`) };
    const host: Host = {
      ...inner,
      fileStat: (p) => (p === "out/alpha/Makefile" ? sameTick : p === CACHE_FILE ? { ...inner.fileStat!(p)!, ctimeNs: tick } : inner.fileStat!(p)),
    };
    const cache = JSON.parse(fs.readFileSync(path.join(root, CACHE_FILE), "utf8"));
    cache.entries["out/alpha"].files.Makefile = sameTick.signature;
    fs.writeFileSync(path.join(root, CACHE_FILE), JSON.stringify(cache));
    fs.writeFileSync(path.join(root, "out/alpha/Makefile"), "edited\n");
    // With the cache one tick later, the same recorded signature would be trusted (the fake
    // file system hides the edit): the rule, not luck, is what finds the edit above.
    const later: Host = { ...host, fileStat: (p) => (p === CACHE_FILE ? { ...inner.fileStat!(p)!, ctimeNs: tick + 1n } : host.fileStat!(p)) };
    expect((await generate(later, fakeGenerate, "check")).changed).toBe(false);
    const check = await generate(host, fakeGenerate, "check");
    expect(check.changed).toBe(true);
  });

  it("a touched file with unchanged bytes stays unchanged, and its new signature is recorded", async () => {
    const root = workspace();
    await generate(nodeHost(root));
    await ageOutputs(root);
    const file = path.join(root, "out/alpha/Makefile");
    fs.utimesSync(file, new Date(), new Date(Date.now() - 60_000));
    const r = await generate(nodeHost(root));
    expect(r.changed).toBe(false);
    const cache = JSON.parse(fs.readFileSync(path.join(root, CACHE_FILE), "utf8"));
    expect(cache.entries["out/alpha"].files.Makefile).toBe(nodeHost(root).fileStat!("out/alpha/Makefile")!.signature);
    await ageOutputs(root);
    const { host, reads } = countingHost(root);
    expect((await generate(host)).changed).toBe(false);
    expect(reads).toEqual(["out/alpha/.mesh-manifest.json"]);
  });
});
