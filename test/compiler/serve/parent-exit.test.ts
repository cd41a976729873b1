/**
 * Issue 13, item 18: signals through npm. `npx mesh …` runs mesh through `sh -c`, and npm
 * passes SIGTERM only to that shell, which dies without passing it on; mesh and its server
 * were left running. Measured here with the real npx: after `kill <npm's pid>` mesh and the
 * server are gone (the server drained) within a second or two. The server also stops when
 * mesh itself dies without forwarding anything (SIGKILL). Started without npm, a mesh whose
 * parent shell dies keeps running, as before (nohup and friends keep working).
 *
 * Runs the built CLI (`npm run build` first): bin/mesh.js imports dist/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { runRun } from "../../../compiler/cli/commands/run.js";

const ROOT = resolve(import.meta.dirname, "../../..");
// Inside the repository: npx resolves `mesh` to this package, and the generated server finds the runtime.
const WS = join(ROOT, ".vitest-tmp", `parent-exit-${process.pid}`);
const started: number[] = [];

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/compiler/cli/main.js"))) throw new Error("run `npm run build` first: bin/mesh.js imports dist/");
  mkdirSync(join(WS, "projects/iris"), { recursive: true });
  copyFileSync(join(ROOT, "projects/iris/project.yaml"), join(WS, "projects/iris/project.yaml"));
  const quiet = { write: () => true };
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = quiet.write as never;
  process.stderr.write = quiet.write as never;
  try {
    expect(await runRun("iris", { serve: false }, WS)).toBe(0);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}, 120_000);

afterEach(() => {
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});
afterAll(() => rmSync(WS, { recursive: true, force: true }));

/** True while `pid` runs (a zombie waiting for a reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

const ppidOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
};

async function until(what: string, check: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.now() - t0;
}

interface Started {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** The server's pid (from its ready log line) and mesh's (the server's parent). */
  readonly server: number;
  readonly mesh: number;
}

/** Spawns `command args` in the workspace and waits until mesh says the server is ready. */
async function start(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const child = spawn(command, args, { cwd: WS, env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child.pid!);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  await until("the server to be ready", () => /is ready at http/.test(stderr), 60_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${stderr}`);
  });
  const ready = stdout
    .split("\n")
    .map((l) => {
      try {
        return JSON.parse(l) as { msg?: string; pid?: number };
      } catch {
        return {};
      }
    })
    .find((l) => l.msg === "ready");
  const server = ready?.pid;
  if (!server) throw new Error(`no ready line with a pid in ${stdout}`);
  const mesh = ppidOf(server);
  started.push(server, mesh);
  return { child, stdout: () => stdout, stderr: () => stderr, server, mesh };
}

/** The environment without npm's variables: what a shell, make or a service manager gives. */
const withoutNpm = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_")));

describe("mesh exits with its parent", () => {
  test("kill <npm's pid> (SIGTERM) under `npx mesh serve`: mesh and its server stop, the server drains", async () => {
    const s = await start("npx", ["mesh", "serve", "iris", "--port", "0"]);
    expect(alive(s.mesh) && alive(s.server)).toBe(true);
    expect(s.mesh).not.toBe(s.child.pid);
    process.kill(s.child.pid!, "SIGTERM");
    const ms = await until("mesh and the server to exit", () => !alive(s.mesh) && !alive(s.server), 5_000);
    expect(ms).toBeLessThan(5_000);
    await until("the drain log", () => s.stdout().includes('"outcome":"drained"'), 2_000);
  }, 90_000);

  test("kill <npm's pid> under `npx mesh run` (serving after the lifecycle): both stop", async () => {
    const s = await start("npx", ["mesh", "run", "iris", "--port", "0"]);
    expect(s.stdout()).toMatch(/skipped \(unchanged\)/);
    process.kill(s.child.pid!, "SIGTERM");
    await until("mesh and the server to exit", () => !alive(s.mesh) && !alive(s.server), 5_000);
  }, 90_000);

  test("mesh killed with SIGKILL: its server notices and stops by itself", async () => {
    const s = await start(process.execPath, [join(ROOT, "bin/mesh.js"), "serve", "iris", "--port", "0"], withoutNpm());
    expect(s.mesh).toBe(s.child.pid);
    process.kill(s.mesh, "SIGKILL");
    await until("the orphaned server to exit", () => !alive(s.server), 5_000);
  }, 90_000);

  test("started without npm, mesh outlives a parent shell that exits (nohup-style runs keep working)", async () => {
    const s = await start("sh", ["-c", `"${process.execPath}" "${join(ROOT, "bin/mesh.js")}" serve iris --port 0; true`], withoutNpm());
    expect(ppidOf(s.mesh)).toBe(s.child.pid);
    process.kill(s.child.pid!, "SIGKILL");
    await until("the shell to be gone", () => !alive(s.child.pid!), 5_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(alive(s.mesh) && alive(s.server)).toBe(true);
  }, 90_000);
});
