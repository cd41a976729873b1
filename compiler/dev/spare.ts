/**
 * `mesh dev`'s warm spare: between reloads one server process waits with Node started and the
 * serving runtime loaded (spare-server.ts), so a reload pays only for the generated files it
 * imports, not for a cold start. One spare at a time, started after a swap (never competing
 * with a reload for the CPU), handed over on the next start, and stopped by its PID when the
 * session ends or mesh's runtime changes (a spare must not serve stale runtime code).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PARENT_GUARD } from "../serve/run-child.js";
import type { SpareStart } from "./spare-server.js";

/** The built spare program: beside this file in dist/, or — running from the sources (tests) — its dist/ twin; undefined when not built. */
const SPARE_JS = [fileURLToPath(new URL("./spare-server.js", import.meta.url)), fileURLToPath(new URL("../../dist/compiler/dev/spare-server.js", import.meta.url))].find((p) => existsSync(p));

export class SpareServer {
  #spare: ChildProcess | undefined;
  #mainJs: string | undefined;

  constructor(private readonly cwd: string) {}

  /** For runChild's `launch`: the spare if one is alive (then a new one is due), else undefined (a cold spawn). */
  readonly launch = (mainJs: string, env: NodeJS.ProcessEnv): ChildProcess | undefined => {
    this.#mainJs = mainJs;
    const spare = this.#spare;
    this.#spare = undefined;
    if (!spare || spare.exitCode !== null || spare.signalCode !== null || !spare.connected) {
      if (spare) stop(spare);
      return undefined;
    }
    spare.send({ mainJs, env } satisfies SpareStart);
    return spare;
  };

  /** Starts the next spare (once a server ran, so the path of main.js is known). */
  warm(): void {
    if (this.#spare || !this.#mainJs || !SPARE_JS) return;
    const child = spawn(process.execPath, ["--import", PARENT_GUARD, SPARE_JS, this.#mainJs], { cwd: this.cwd, env: process.env, stdio: ["ignore", "pipe", "inherit", "ipc"] });
    child.on("error", () => undefined);
    child.once("exit", () => {
      if (this.#spare === child) this.#spare = undefined;
    });
    this.#spare = child;
  }

  /** Stops the waiting spare, if any. */
  discard(): void {
    const spare = this.#spare;
    this.#spare = undefined;
    if (spare) stop(spare);
  }
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill("SIGTERM");
}
