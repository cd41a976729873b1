/**
 * `mesh registry promote|rollback|aliases` as a user runs them, and the rule that every id the
 * CLI prints (text or JSON) is an id `show` and `promote` accept.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registryLs, registryShow, type RegistryContext } from "../../../compiler/cli/commands/registry.js";
import { registryAliases, registryPromote, registryRollback } from "../../../compiler/cli/commands/registry-aliases.js";
import { openRegistry, type MeshRegistry } from "../../../runtimes/registry/index.js";

const enc = (s: string) => new TextEncoder().encode(s);
const now = () => new Date("2026-11-26T10:00:00.000Z");

async function populate(reg: MeshRegistry): Promise<void> {
  const base = { project: "spam", specHash: "h", params: { epochs: 3 }, toolVersion: "0.1.0" };
  await reg.publishDataset("spam", "spam-assassin", { "data.jsonl": enc("{}\n") }, { project: "spam", dataset: "spam-assassin", sha256: "ab".repeat(32), rows: 5, stats: {} });
  for (let i = 1; i <= 2; i++) {
    const t = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc(`t${i}`) }, { ...base, type: "trained", metrics: { accuracy: 0.9 + i / 100 } });
    const c = await reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc(`c${i}`) }, { ...base, type: "compiled", parent: `SPAM-TRAINED-${i}`, metrics: {} });
    await reg.appendChild(t, c);
  }
  await reg.publishModel("spam", "SPAM", "COMPILED", { "neuron/model.pt": enc("pt") }, { ...base, type: "compiled", parent: "SPAM-TRAINED-2", metrics: {} });
}

function capture(cwd: string, env: NodeJS.ProcessEnv = {}): RegistryContext & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { cwd, env, stdout: (s) => (out += s), stderr: (s) => (err += s), out: () => out, err: () => err };
}

let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), "mesh-cli-aliases-"));
  await populate(openRegistry(`file://${join(ws, ".mesh/registry")}`, { now }));
});
afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("every printed id is accepted", () => {
  test("each id in ls (text and JSON) is found by show, datasets included", async () => {
    const text = capture(ws);
    expect(await registryLs(undefined, { format: "text" }, text)).toBe(0);
    const json = capture(ws);
    expect(await registryLs(undefined, { format: "json" }, json)).toBe(0);
    const listing = JSON.parse(json.out()) as { projects: { models: { versions: { id: string }[] }[]; datasets: { versions: { id: string }[] }[] }[] };
    const ids = listing.projects.flatMap((p) => [...p.models.flatMap((m) => m.versions.map((v) => v.id)), ...p.datasets.flatMap((d) => d.versions.map((v) => v.id))]);
    expect(ids).toContain("spam-assassin-1");
    for (const id of ids) {
      // The text listing shows the very same ids in its first column.
      expect(text.out()).toMatch(new RegExp(`^ {4}${id} `, "m"));
      const ctx = capture(ws);
      expect(await registryShow(id, { format: "json" }, ctx), ctx.err()).toBe(0);
      expect(JSON.parse(ctx.out()).id).toBe(id);
      const scoped = capture(ws);
      expect(await registryShow(`spam/${id}`, { format: "text" }, scoped), scoped.err()).toBe(0);
    }
  });
});

describe("promote, aliases, rollback", () => {
  const env = {};
  test("promote moves the alias, ls and show name it, aliases prints state and history, rollback goes back", async () => {
    let ctx = capture(ws, env);
    expect(await registryPromote("SPAM-COMPILED-1", { format: "text", alias: "production", reason: "first", by: "ci-bot" }, ctx), ctx.err()).toBe(0);
    expect(ctx.out()).toBe("spam: production (unset) → SPAM-COMPILED-1 (#1, by ci-bot) in file://.mesh/registry\n");
    ctx = capture(ws, env);
    expect(await registryPromote("spam/SPAM-COMPILED-2", { format: "text", alias: "production", by: "ci-bot" }, ctx)).toBe(0);
    expect(ctx.out()).toMatch(/production SPAM-COMPILED-1 → SPAM-COMPILED-2 \(#2/);

    ctx = capture(ws);
    expect(await registryLs("spam", { format: "text" }, ctx)).toBe(0);
    expect(ctx.out()).toContain("  aliases\n    production  → SPAM-COMPILED-2  since 2026-");
    ctx = capture(ws);
    expect(await registryShow("SPAM-COMPILED-2", { format: "json" }, ctx)).toBe(0);
    expect(JSON.parse(ctx.out()).aliases).toEqual(["production"]);

    ctx = capture(ws);
    expect(await registryRollback("spam", { format: "text", alias: "production", by: "ana" }, ctx), ctx.err()).toBe(0);
    expect(ctx.out()).toMatch(/production SPAM-COMPILED-2 → SPAM-COMPILED-1 \(rollback, #3, by ana\)/);

    ctx = capture(ws);
    expect(await registryAliases("spam", { format: "json" }, ctx)).toBe(0);
    const view = JSON.parse(ctx.out());
    expect(view.aliases).toEqual([expect.objectContaining({ alias: "production", target: "SPAM-COMPILED-1", by: "ana", reason: "rollback from SPAM-COMPILED-2" })]);
    expect(view.history.map((e: { seq: number; from?: string; to: string; by: string }) => [e.seq, e.from ?? null, e.to, e.by])).toEqual([
      [1, null, "SPAM-COMPILED-1", "ci-bot"],
      [2, "SPAM-COMPILED-1", "SPAM-COMPILED-2", "ci-bot"],
      [3, "SPAM-COMPILED-2", "SPAM-COMPILED-1", "ana"],
    ]);
    ctx = capture(ws);
    expect(await registryAliases("spam", { format: "text" }, ctx)).toBe(0);
    expect(ctx.out()).toMatch(/^aliases of spam in file:\/\/\.mesh\/registry\n {2}production {2}→ SPAM-COMPILED-1/);
    expect(ctx.out()).toContain("production#2  SPAM-COMPILED-1 → SPAM-COMPILED-2  by ci-bot");
  });

  test("refusals: hostile alias, dataset id, unservable version, nothing to roll back, unknown project", async () => {
    const cases: [(ctx: RegistryContext) => Promise<number>, RegExp][] = [
      [(ctx) => registryPromote("SPAM-COMPILED-1", { format: "text", alias: "../prod" }, ctx), /invalid alias name "\.\.\/prod"/],
      [(ctx) => registryPromote("spam-assassin-1", { format: "text", alias: "production" }, ctx), /is a dataset version/],
      [(ctx) => registryPromote("SPAM-COMPILED-3", { format: "text", alias: "production" }, ctx), /has no model\.onnx/],
      [(ctx) => registryPromote("SPAM-COMPILED-9", { format: "text", alias: "production" }, ctx), /no model SPAM-COMPILED-9/],
      [(ctx) => registryRollback("spam", { format: "text", alias: "staging" }, ctx), /has no alias "staging"/],
      [(ctx) => registryAliases("nope", { format: "text" }, ctx), /no project "nope"/],
    ];
    for (const [run, message] of cases) {
      const ctx = capture(ws, env);
      expect(await run(ctx)).toBe(1);
      expect(ctx.err()).toMatch(message);
      expect(ctx.err()).toMatch(/^mesh registry: [^\n]+\n$/);
      expect(ctx.out()).toBe("");
    }
    // A single event cannot be rolled back.
    const ctx = capture(ws, env);
    expect(await registryPromote("SPAM-TRAINED-1", { format: "text", alias: "candidate" }, ctx)).toBe(0);
    // Without --by, the OS user is recorded: the history never has an anonymous move.
    expect(ctx.out()).toContain(`by ${userInfo().username})`);
    const rb = capture(ws, env);
    expect(await registryRollback("spam", { format: "text", alias: "candidate" }, rb)).toBe(1);
    expect(rb.err()).toMatch(/nothing to roll back to/);
  });
});
