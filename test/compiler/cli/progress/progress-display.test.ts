/**
 * Progress of `mesh run`, in its three forms: a live display on a terminal (a real `mesh run
 * iris` in a tmux pane, its screen read with `tmux capture-pane -p` while it runs), plain lines
 * in a pipe (no control characters, throttled), and JSON lines with `--format json`.
 * Needs `npm run build` and tmux.
 */
import { afterAll, describe, expect, test } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { progressLog } from "../../../../compiler/cli/progress/renderers.js";

const ROOT = resolve(import.meta.dirname, "../../../..");
const TMP = mkdtempSync(join(tmpdir(), "mesh-progress-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const meshRun = (args: string[]) =>
  spawnSync(join(ROOT, "mesh"), ["run", "iris", "--no-serve", "--force", "--registry", `file://${join(TMP, `reg-${Math.random().toString(36).slice(2)}`)}`, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 90_000,
  });

describe("progress display", () => {
  test("on a terminal (tmux): a live bar with the epoch counter and ETA, then the summary", async () => {
    const socket = `mesh-progress-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
    const cmd = `cd ${JSON.stringify(ROOT)} && ./mesh run iris --no-serve --force --registry file://${join(TMP, "tty-reg")}; echo MESH-EXIT=$?; sleep 120`;
    tmux("new-session", "-d", "-s", "run", "-x", "160", "-y", "40", cmd);
    const frames: string[] = [];
    try {
      const t0 = Date.now();
      while (Date.now() - t0 < 90_000) {
        const screen = tmux("capture-pane", "-p", "-t", "run");
        frames.push(screen);
        if (screen.includes("MESH-EXIT=")) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      tmux("kill-server");
    }
    const last = frames.at(-1)!;
    expect(last).toContain("MESH-EXIT=0");
    expect(last).toMatch(/lifecycle finished in [\d.]+ s/);
    expect(last).toMatch(/\[4\/4\] compile\s+done/);
    expect(frames.join("\n")).not.toMatch(/NULL|LLs/); // no placeholder ETA on bars that start complete
    // The live bar: task, counter of total, the shade bar, ETA and the loss field.
    expect(frames.join("\n")).toMatch(/train epoch \[[█░]+\] +\d+\/200 epochs .*ETA .*loss \d/);
    // The gate metric beside the loss, and bars for compile's stages and the registry uploads.
    expect(frames.join("\n")).toMatch(/train epoch .*validation accuracy (1|0\.\d{4})\b/);
    expect(frames.join("\n")).toMatch(/compile onnx .*\[[█░]+\] +4\/4 steps/);
    expect(frames.join("\n")).toMatch(/upload \S+-TRAINED-\d+ \[[█░]+\] [\d.]+\/[\d.]+ [kM]B .*files \d+\/\d+/);
  }, 120_000);

  test("in a pipe: plain lines, no control characters, a handful of epoch lines (throttled), the summary", () => {
    const r = meshRun([]);
    expect(r.status).toBe(0);
    const all = r.stdout + r.stderr;
    expect(all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const epochs = r.stderr.split("\n").filter((l) => /^ {2}train epoch: \d+\/200 epochs, loss \d/.test(l));
    expect(epochs.length).toBeGreaterThanOrEqual(2);
    expect(epochs.length).toBeLessThan(20);
    expect(r.stdout).toMatch(/lifecycle finished in/);
  }, 100_000);

  test("--format json: every stderr line is a JSON object; typed train, ingest and register progress events with totals", () => {
    const r = meshRun(["--format", "json"]);
    expect(r.status).toBe(0);
    const events = r.stderr
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; task?: string; label?: string; unit?: string; done?: number; total?: number; final?: boolean; fields?: Record<string, unknown> });
    const train = events.filter((e) => e.type === "progress" && e.task === "train");
    expect(train.length).toBeGreaterThan(10);
    expect(train[0]).toMatchObject({ unit: "epochs", done: 1, total: 200 });
    expect(train.at(-1)).toMatchObject({ final: true });
    // The gate metric is on every epoch and on the last event (the display ends on it), with the epoch kept.
    expect(train.at(-1)!.fields).toMatchObject({ "validation accuracy": expect.any(Number), "kept epoch": expect.any(Number) });
    expect(train[0]!.fields).toHaveProperty("validation accuracy");
    // compile: download → compile → validate → publish → published, the last naming the new version.
    const compile = events.filter((e) => e.type === "progress" && e.task === "compile");
    expect(compile.map((e) => e.done)).toEqual([0, 1, 2, 3, 4]);
    expect(compile.at(-1)).toMatchObject({ unit: "steps", total: 4, final: true, fields: { step: expect.stringMatching(/^published IRIS-COMPILED-\d+$/) } });
    // uploads: each published version (dataset, trained, compiled) ends with all its bytes and files stored.
    const uploads = events.filter((e) => e.type === "progress" && e.task === "upload" && e.final);
    expect(uploads.map((e) => e.label)).toEqual(expect.arrayContaining([expect.stringMatching(/TRAINED-\d+$/), expect.stringMatching(/COMPILED-\d+$/)]));
    for (const u of uploads) expect(u).toMatchObject({ unit: "bytes", done: u.total, fields: { files: expect.stringMatching(/^(\d+)\/\1$/) } });
    expect(events.some((e) => e.type === "progress" && e.task === "ingest" && e.unit === "bytes" && e.total! > 0)).toBe(true);
    expect(events.find((e) => e.type === "progress" && e.task === "register")).toMatchObject({ unit: "rows", done: 150, total: 150, final: true, fields: { kept: 150, bad: 0 } });
  }, 100_000);

  test("the plain renderer throttles per task and always prints the last event; strips control characters from lines", () => {
    const dest = new PassThrough();
    let text = "";
    dest.on("data", (c) => (text += c));
    const log = progressLog("plain", dest);
    for (let i = 1; i <= 500; i++) log.progress!({ task: "train", label: "epoch", unit: "epochs", done: i, total: 500 });
    log("evil \u001b[2Jline");
    const lines = text.split("\n").filter(Boolean);
    expect(lines).toEqual(["  train epoch: 1/500 epochs", "  train epoch: 500/500 epochs", "evil [2Jline"]);
  });
});
