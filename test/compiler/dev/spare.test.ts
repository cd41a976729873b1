/**
 * mesh dev's warm spare: a server process started ahead of the next reload takes the
 * reload's environment exactly (variables it was started with but the reload does not set are
 * gone — a stale MESH_MODEL_REF must not survive), runs the main.js it is handed as argv[1]
 * (so node:cluster workers fork main.js), and is stopped by discard. Needs `npm run build` (the
 * spare program runs from dist/).
 */
import { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, test, vi } from "vitest";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SpareServer } from "../../../compiler/dev/spare.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const DIR = join(ROOT, ".vitest-tmp", `spare-${process.pid}`);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** A stand-in for the generated main.js: prints what it was started with, then exits. */
function stubMain(): string {
  mkdirSync(DIR, { recursive: true });
  const main = join(DIR, "main.js");
  writeFileSync(main, `console.log(JSON.stringify({ argv1: process.argv[1], mode: process.env.SPARE_MODE ?? null, stale: process.env.SPARE_STALE ?? null }));\n`);
  return main;
}

const firstLine = (child: import("node:child_process").ChildProcess) =>
  new Promise<string>((res, rej) => {
    let text = "";
    child.stdout!.on("data", (c: Buffer) => {
      text += c.toString("utf8");
      if (text.includes("\n")) res(text.split("\n")[0]!);
    });
    child.once("exit", (code) => rej(new Error(`exited ${code} before printing`)));
  });

describe("mesh dev warm spare", () => {
  test("no spare before a server ran; then the spare runs the handed main.js with exactly the handed environment", async () => {
    const main = stubMain();
    const spare = new SpareServer(DIR);
    expect(spare.launch(main, { ...process.env })).toBeUndefined(); // the first start is cold; it tells the spare where main.js is
    process.env["SPARE_STALE"] = "from-the-session-start";
    try {
      spare.warm();
    } finally {
      delete process.env["SPARE_STALE"];
    }
    await new Promise((r) => setTimeout(r, 300));
    const env: NodeJS.ProcessEnv = { ...process.env, SPARE_MODE: "reload-2" };
    delete env["SPARE_STALE"];
    const child = spare.launch(main, env);
    expect(child).toBeDefined();
    const printed = JSON.parse(await firstLine(child!)) as Record<string, unknown>;
    expect(printed).toEqual({ argv1: main, mode: "reload-2", stale: null });
    await new Promise((r) => child!.once("exit", r));
    // Handed over: the next launch is cold until warm() runs again.
    expect(spare.launch(main, env)).toBeUndefined();
  });

  test("discard stops the waiting spare", async () => {
    const main = stubMain();
    const spare = new SpareServer(DIR);
    spare.launch(main, process.env);
    spare.warm();
    await new Promise((r) => setTimeout(r, 200));
    const kill = vi.spyOn(ChildProcess.prototype, "kill");
    try {
      spare.discard();
      // The waiting process is really stopped (forgetting it would leave an orphan), not only dropped.
      expect(kill).toHaveBeenCalledWith("SIGTERM");
      const child = kill.mock.contexts[0] as ChildProcess;
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
      expect(child.signalCode ?? child.exitCode).not.toBeNull();
    } finally {
      kill.mockRestore();
    }
    expect(spare.launch(main, process.env)).toBeUndefined();
  });
});
