/**
 * Builds the fixture entry (and the runtime it imports) to JavaScript once, and spawns it as
 * a real server process on 127.0.0.1; lines of its JSON log are collected, the URL is taken
 * from its "ready" line. Every child is killed by PID when a test ends.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");
const OUT = join(ROOT, "node_modules/.cache/mesh-serve-test", String(process.pid));

/** Compiles test/support/serve/fixtures/main.ts with the repo's tsconfig into node_modules/.cache (so packages resolve). */
export function buildFixtureMain(): string {
  const entry = join(OUT, "test/support/serve/fixtures/main.js");
  if (existsSync(entry)) return entry;
  mkdirSync(OUT, { recursive: true });
  const tsconfig = join(OUT, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({ extends: join(ROOT, "tsconfig.json"), compilerOptions: { noEmit: false, outDir: OUT, rootDir: ROOT }, files: [join(ROOT, "test/support/serve/fixtures/main.ts")], include: [] }),
  );
  try {
    execFileSync(join(ROOT, "node_modules/.bin/tsc"), ["-p", tsconfig], { stdio: "pipe" });
  } catch (err) {
    // Type errors still emit; only a missing entry is fatal (the suite's type check is tsc --noEmit).
    if (!existsSync(entry)) throw new Error(`building the fixture failed: ${String((err as { stdout?: Buffer }).stdout ?? err)}`);
  }
  return entry;
}

/** Removes this test process's build (call in afterAll). */
export function cleanFixtureBuild(): void {
  rmSync(OUT, { recursive: true, force: true });
}

export interface Child {
  readonly proc: ChildProcess;
  readonly lines: Record<string, unknown>[];
  stderr: string;
  readonly exited: Promise<number | null>;
  /** Resolves with the first log line matching `pred`. */
  waitFor(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(): void;
}

/** `nodeArgs` go before the entry (e.g. `--expose-gc`). */
export function spawnFixture(env: Record<string, string>, nodeArgs: readonly string[] = []): Child {
  const entry = buildFixtureMain();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MESH_")));
  const proc = spawn(process.execPath, [...nodeArgs, entry], { env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buf = "";
  proc.stdout!.on("data", (c: Buffer) => {
    buf += c.toString();
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text);
      } catch {
        line = { raw: text };
      }
      lines.push(line);
      for (const w of waiters.splice(0)) w.pred(line) ? w.resolve(line) : waiters.push(w);
    }
  });
  const child: Child = {
    proc,
    lines,
    stderr: "",
    exited: new Promise((res) => proc.on("exit", (code) => res(code))),
    waitFor(pred, timeoutMs = 20_000) {
      const seen = lines.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`timed out waiting for a log line; stderr: ${child.stderr}; lines: ${JSON.stringify(lines)}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), res(l)) });
      });
    },
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    },
  };
  proc.stderr!.on("data", (c: Buffer) => (child.stderr += c.toString()));
  return child;
}
