/**
 * A spec that points at the Hugging Face Hub, as a user of the seed's models would: `mesh
 * lock` resolves hf://ORG/NAME@main through the Hub's HTTP file API (a local server on
 * 127.0.0.1 serving the same layout), pins the commit and every file; with the Hub gone,
 * `mesh validate` and `mesh run` still work from the lock and the verified cache, and an
 * unreachable Hub is one clear sentence. Nothing is written when the folder cannot serve.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeHub, type FakeFile, type FakeHub } from "../../support/models/fake-hub.js";
import { REPO } from "../../support/frontend/helpers.js";

const COMMIT = "1234567890abcdef1234567890abcdef12345678";
let root: string;
let hub: FakeHub | undefined;

function folderFiles(dir: string): Record<string, FakeFile> {
  const out: Record<string, FakeFile> = {};
  for (const name of readdirSync(dir)) out[name] = { content: readFileSync(join(dir, name)), lfs: name.endsWith(".onnx") || name.endsWith(".bin") };
  return out;
}

/** The CLI as a child, asynchronously: the fake Hub answers from this very process's event loop. */
function mesh(env: Record<string, string>, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("node", [join(REPO, "bin/mesh.js"), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  mkdirSync(join(REPO, ".mesh", "tmp"), { recursive: true });
  root = mkdtempSync(join(REPO, ".mesh", "tmp", "hub-"));
  const files = folderFiles(join(REPO, "projects/sentiment/model"));
  const { ["tokenizer.json"]: _drop, ...noTokenizer } = files;
  hub = await startFakeHub({
    "mesh-test/sentiment": { refs: { main: COMMIT }, commits: { [COMMIT]: files } },
    "mesh-test/broken": { refs: { main: COMMIT }, commits: { [COMMIT]: noTokenizer } },
  });
  for (const [name, repo] of [
    ["sentiment", "mesh-test/sentiment"],
    ["broken", "mesh-test/broken"],
  ] as const) {
    mkdirSync(join(root, "projects", name), { recursive: true });
    const spec = readFileSync(join(REPO, "projects/sentiment/project.yaml"), "utf8")
      .replace(/^name: sentiment$/m, `name: ${name}`)
      .replace(/^key: SENTIMENT$/m, `key: ${name.toUpperCase()}`)
      .replace('source: { uri: "file://model" }', `source: { uri: "hf://${repo}@main" }`);
    writeFileSync(join(root, "projects", name, "project.yaml"), spec);
  }
  writeFileSync(join(root, "mesh.yaml"), "apiVersion: mesh/v1\nkind: Workspace\n");
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("hf:// sources", () => {
  it("mesh lock pins the commit main resolved to and every file", async () => {
    const r = await mesh({ MESH_HF_ENDPOINT: hub!.endpoint }, "lock", "sentiment");
    expect(r.status, r.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(join(root, "projects/sentiment/model.lock.json"), "utf8")) as { revision: string; source: string; files: Record<string, unknown> };
    expect(lock.source).toBe("hf://mesh-test/sentiment@main");
    expect(lock.revision).toBe(COMMIT);
    expect(Object.keys(lock.files)).toEqual(expect.arrayContaining(["config.json", "tokenizer.json", "model.onnx"]));
    expect(hub!.requests.every((q) => !q.url.includes("/resolve/main/"))).toBe(true);
  });

  it("a folder that cannot serve is refused by mesh lock and nothing is written", async () => {
    const r = await mesh({ MESH_HF_ENDPOINT: hub!.endpoint }, "lock", "broken");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/tokenizer\.json/);
    expect(existsSync(join(root, "projects/broken/model.lock.json"))).toBe(false);
    rmSync(join(root, "projects/broken"), { recursive: true, force: true });
  });

  it("with the Hub gone: validate and the lifecycle work from the lock and the verified cache", async () => {
    await hub!.stop();
    const endpoint = hub!.endpoint;
    hub = undefined;
    expect((await mesh({ MESH_HF_ENDPOINT: endpoint }, "validate")).status).toBe(0);
    const run = await mesh({ MESH_HF_ENDPOINT: endpoint }, "run", "sentiment", "--no-serve", "--registry", "file://.mesh/registry");
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/SENTIMENT-TRAINED-1: hf:\/\/mesh-test\/sentiment@main registered/);
    expect(run.stdout).toMatch(/SENTIMENT-COMPILED-2/);
  });

  it("an unreachable Hub is one sentence naming the endpoint, and a damaged cache is not trusted", async () => {
    const refresh = await mesh({ MESH_HF_ENDPOINT: "http://127.0.0.1:9" }, "lock", "sentiment", "--refresh");
    expect(refresh.status).toBe(1);
    expect(refresh.stderr.trim().split("\n")).toHaveLength(1);
    expect(refresh.stderr).toMatch(/cannot reach the Hugging Face Hub at http:\/\/127\.0\.0\.1:9/);
    // Tamper with the cached graph: the next run must notice (it re-verifies against the lock).
    const cache = join(root, ".mesh/cache/models/hf/mesh-test--sentiment");
    const onnx = findFile(cache, "model.onnx");
    expect(onnx).toBeDefined();
    writeFileSync(onnx!, Buffer.concat([readFileSync(onnx!), Buffer.from([0])]));
    const run = await mesh({ MESH_HF_ENDPOINT: "http://127.0.0.1:9" }, "run", "sentiment", "--no-serve", "--force", "--only", "train", "--registry", "file://.mesh/registry");
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toMatch(/Hugging Face Hub|model\.onnx/);
  });
});

function findFile(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
    if (e.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return undefined;
}
