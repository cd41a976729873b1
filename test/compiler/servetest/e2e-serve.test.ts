/**
 * End to end, as a user would: `mesh generate`, then `make serve` from the generated Makefile
 * (the real CLI, the real generated server on a free loopback port), then the README's curl
 * commands, unchanged but for the port, must get the answers the spec's examples expect.
 * Uses the colors App (its model ships with the spec, so nothing needs training first).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { marked, type Tokens } from "marked";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../../compiler/servetest/free-port.js";
import { exampleIR, REPO_ROOT } from "../../support/generators/fixtures.js";

const run = promisify(execFile);
const MESH = `node ${join(REPO_ROOT, "bin", "mesh.js")}`;
let root: string;
let make: ChildProcess | undefined;
let port: number;
let log = "";

/** Builds dist/ when the CLI is missing (npm ci builds it; a fresh checkout may not have). */
async function ensureBuilt(): Promise<void> {
  const needed = ["dist/compiler/cli/main.js", "dist/runtimes/serve/index.js"];
  if (needed.every((p) => existsSync(join(REPO_ROOT, p)))) return;
  await run("npm", ["run", "build"], { cwd: REPO_ROOT }).catch((err: unknown) => {
    if (!needed.every((p) => existsSync(join(REPO_ROOT, p)))) throw err;
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (make?.exitCode !== null) throw new Error(`make serve exited early:\n${log}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${log}`);
}

beforeAll(async () => {
  await ensureBuilt();
  // Inside the repository, so the generated server resolves the mesh runtimes as under out/.
  mkdirSync(join(REPO_ROOT, ".mesh", "tmp"), { recursive: true });
  root = mkdtempSync(join(REPO_ROOT, ".mesh", "tmp", "makegen-e2e-"));
  cpSync(join(REPO_ROOT, "projects", "colors"), join(root, "projects", "colors"), { recursive: true });
  writeFileSync(join(root, "mesh.yaml"), "apiVersion: mesh/v1\nkind: Workspace\n");
  const gen = spawnSync("node", [join(REPO_ROOT, "bin", "mesh.js"), "generate"], { cwd: root, encoding: "utf8" });
  if (gen.status !== 0) throw new Error(`mesh generate failed: ${gen.stderr}`);
  port = await freeLoopbackPort();
  // Its own process group, so the whole chain (make → sh → mesh serve → server) stops together.
  make = spawn("make", ["-C", join(root, "out", "colors"), "serve", `PORT=${port}`, `MESH=${MESH}`], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  make.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  make.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  await waitReady(`http://127.0.0.1:${port}/colors/v1/ready`, 90_000);
}, 180_000);

afterAll(async () => {
  if (make?.pid !== undefined && make.exitCode === null) {
    const exited = new Promise((r) => make!.once("exit", r));
    process.kill(-make.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (make.exitCode === null && make.signalCode === null) process.kill(-make.pid, "SIGKILL");
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("make serve + README curl examples", () => {
  it("answer every spec example as expected", async () => {
    const ir = await exampleIR("colors");
    const readme = readFileSync(join(root, "out", "colors", "README.md"), "utf8");
    const blocks = marked
      .lexer(readme)
      .filter((t): t is Tokens.Code => t.type === "code" && t.lang === "sh" && t.text.startsWith("curl -sS -X POST"))
      .map((t) => t.text.replaceAll(`127.0.0.1:${ir.serve.hostPort}/`, `127.0.0.1:${port}/`));
    expect(blocks).toHaveLength(ir.serve.examples.length);
    for (const [i, example] of ir.serve.examples.entries()) {
      const r = spawnSync("sh", ["-e", "-c", blocks[i]!], { encoding: "utf8", timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      const answer = JSON.parse(r.stdout) as { data: { namespace: string; attributes: Record<string, unknown> } };
      expect(answer.data.namespace).toBe("colors");
      expect(answer.data.attributes).toMatchObject(example.expect);
    }
  });

  it("the probes listed in the README answer", () => {
    const probes = marked
      .lexer(readFileSync(join(root, "out", "colors", "README.md"), "utf8"))
      .filter((t): t is Tokens.Code => t.type === "code" && t.lang === "sh" && t.text.includes("/ready\n"))
      .flatMap((t) => t.text.split("\n"))
      .filter((l) => l.startsWith("curl"));
    expect(probes.length).toBeGreaterThanOrEqual(5);
    for (const line of probes) {
      const r = spawnSync("sh", ["-c", `${line.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`).replace("curl -sS", "curl -sS -f -o /dev/null")}`], { encoding: "utf8", timeout: 30_000 });
      expect(r.status, `${line}: ${r.stderr}`).toBe(0);
    }
  });
});
