/**
 * Ctrl-C during `mesh run` (the live display active or not): the process stops at once and the
 * registry holds no half-registered version — every version folder that exists has its card,
 * and what the registry lists is exactly what is complete (the registry suite's SIGKILL
 * pattern, with the SIGINT a user sends). Needs `npm run build`.
 */
import { afterAll, expect, test } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openRegistry } from "../../../runtimes/registry/index.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const TMP = mkdtempSync(join(tmpdir(), "mesh-ctrlc-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

test("SIGINT while training spam: exits by the signal, nothing half-registered", async () => {
  const reg = join(TMP, "reg");
  const child = spawn(join(ROOT, "mesh"), ["run", "spam", "--no-serve", "--registry", `file://${reg}`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout.on("data", (c) => (text += c));
  child.stderr.on("data", (c) => (text += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on("exit", (code, signal) => res({ code, signal })));
  const t0 = Date.now();
  while (!/\[2\/4\] register done/.test(text) && child.exitCode === null && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 20));
  expect(text).toMatch(/\[2\/4\] register done/);
  child.kill("SIGINT");
  const { signal } = await exited;
  expect(signal).toBe("SIGINT");
  expect(text).not.toMatch(/\[3\/4\] train\s+done/);
  const registry = openRegistry(`file://${reg}`);
  expect(await registry.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([]);
  const trained = join(reg, "spam/models/SPAM-TRAINED");
  const folders = existsSync(trained) ? readdirSync(trained).filter((d) => /^\d+$/.test(d)) : [];
  for (const v of folders) expect(existsSync(join(trained, v, "card.json"))).toBe(true);
}, 120_000);
