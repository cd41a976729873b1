/**
 * The alias contract, one suite for both backends: pointers that move, an append-only history
 * that never loses a change (even when two promotions race), and refusals a user would hit
 * (hostile names, unknown or unservable targets).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RegistryError } from "../../../runtimes/registry/index.js";
import type { MeshRegistry, ModelRef } from "../../../runtimes/registry/types.js";
import { modelId } from "../../../runtimes/registry/types.js";
import type { Backend } from "./backends.js";
import { racePromoter, type ChildSettings } from "./children.js";
import { compileRegistry, type CompiledRegistry } from "./compiled.js";

const enc = (s: string) => new TextEncoder().encode(s);
const card = { type: "trained" as const, project: "spam", specHash: "h", params: {}, metrics: { accuracy: 0.9 }, toolVersion: "t" };

async function refusal(p: Promise<unknown>): Promise<RegistryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected the call to fail").toBeInstanceOf(RegistryError);
  return err as RegistryError;
}

/** Publishes `n` servable trained versions and one without model.onnx; returns them. */
async function seed(reg: MeshRegistry, n: number): Promise<{ versions: ModelRef[]; neuronOnly: ModelRef }> {
  const versions: ModelRef[] = [];
  for (let i = 0; i < n; i++) versions.push(await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc(`m${i}`) }, card));
  const neuronOnly = await reg.publishModel("spam", "SPAM", "COMPILED", { "neuron/model.pt": enc("pt") }, { ...card, type: "compiled", parent: "SPAM-TRAINED-1" });
  return { versions, neuronOnly };
}

export function aliasContract(getBackend: () => Backend): void {
  const fresh = () => getBackend().fresh();
  let compiled: CompiledRegistry | undefined;
  beforeAll(async () => {
    compiled = await compileRegistry();
  });
  afterAll(async () => {
    await compiled?.remove();
  });

  describe("aliases", () => {
    test("setAlias moves a pointer; state is the newest event; history records who, when, from, to, why", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const {
        versions: [v1, v2],
      } = await seed(reg, 2);
      expect(await reg.resolveAlias("spam", "production")).toBeUndefined();
      expect(await reg.listAliases("spam")).toEqual([]);
      const e1 = await reg.setAlias("spam", "production", v1!, { by: "ana", reason: "first release" });
      expect(e1).toEqual({ alias: "production", seq: 1, to: "SPAM-TRAINED-1", at: "2026-01-02T03:04:05.000Z", by: "ana", reason: "first release" });
      const e2 = await reg.setAlias("spam", "production", v2!, { by: "bo" });
      expect(e2).toEqual({ alias: "production", seq: 2, from: "SPAM-TRAINED-1", to: "SPAM-TRAINED-2", at: "2026-01-02T03:04:05.000Z", by: "bo" });
      await reg.setAlias("spam", "staging", v1!, { by: "ana" });
      expect(await reg.resolveAlias("spam", "production")).toEqual(v2);
      expect(await reg.listAliases("spam")).toEqual([
        { alias: "production", target: v2, since: "2026-01-02T03:04:05.000Z", by: "bo" },
        { alias: "staging", target: v1, since: "2026-01-02T03:04:05.000Z", by: "ana" },
      ]);
      expect((await reg.aliasHistory("spam", "production")).map((e) => [e.seq, e.from, e.to])).toEqual([
        [1, undefined, "SPAM-TRAINED-1"],
        [2, "SPAM-TRAINED-1", "SPAM-TRAINED-2"],
      ]);
      expect((await reg.aliasHistory("spam")).map((e) => `${e.alias}#${e.seq}`)).toEqual(["production#1", "production#2", "staging#1"]);
      // The history is immutable objects: an event is never rewritten by a later change.
      const keys = await fx.rawList("spam/aliases/production");
      expect(keys.filter((k) => k.endsWith("card.json"))).toEqual(["spam/aliases/production/1/card.json", "spam/aliases/production/2/card.json"]);
      // Aliases are not model names: listings of models are unchanged.
      expect(await reg.listModels("spam")).toEqual([
        { key: "SPAM", stage: "TRAINED" },
        { key: "SPAM", stage: "COMPILED" },
      ]);
    });

    test("hostile or reserved alias names, unknown and unservable targets are refused and nothing is written", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const {
        versions: [v1],
        neuronOnly,
      } = await seed(reg, 1);
      for (const bad of ["../x", "Production", "prod-1", "a/b", "", "x".repeat(33), "pro duction", "prod\n", "1prod", "latest"]) {
        const err = await refusal(reg.setAlias("spam", bad, v1!, { by: "ana" }));
        expect(err.code).toBe("invalid");
        expect(err.message).toMatch(/alias/);
      }
      expect((await refusal(reg.setAlias("spam", "production", { ...v1!, version: 9 }, { by: "ana" }))).code).toBe("not-found");
      expect((await refusal(reg.setAlias("spam", "production", neuronOnly, { by: "ana" }))).message).toMatch(/no model\.onnx/);
      expect((await refusal(reg.setAlias("spam", "production", { ...v1!, project: "other" }, { by: "ana" }))).message).toMatch(/another project/);
      expect((await refusal(reg.setAlias("spam", "production", v1!, { by: "ana", reason: "a\u001b[31mred" }))).message).toMatch(/control characters/);
      expect((await refusal(reg.setAlias("spam", "production", v1!, { by: "" }))).message).toMatch(/must not be empty/);
      expect((await refusal(reg.resolveAlias("spam", "../../etc"))).code).toBe("invalid");
      expect(await fx.rawList("spam/aliases")).toEqual([]);
    });

    test("a gap (a writer that crashed after claiming) and unrelated junk are skipped", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const {
        versions: [v1, v2],
      } = await seed(reg, 2);
      await reg.setAlias("spam", "production", v1!, { by: "ana" });
      // A claimed number whose event never landed: a folder without its object.
      await fx.rawPut("spam/aliases/production/2/partial.tmp", enc(""));
      await fx.rawPut("spam/aliases/Not-An-Alias/1/card.json", enc("{}"));
      const e = await reg.setAlias("spam", "production", v2!, { by: "bo" });
      expect(e.seq).toBe(3);
      expect(e.from).toBe("SPAM-TRAINED-1");
      expect((await reg.listAliases("spam")).map((a) => a.alias)).toEqual(["production"]);
    });

    test("a tampered event is reported as corrupt, naming it", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const {
        versions: [v1],
      } = await seed(reg, 1);
      await reg.setAlias("spam", "production", v1!, { by: "ana" });
      await fx.rawPut("spam/aliases/production/2/card.json", enc(JSON.stringify({ alias: "production", seq: 2, to: "../../etc/passwd", at: "x", by: "y" })));
      const err = await refusal(reg.resolveAlias("spam", "production"));
      expect(err.code).toBe("corrupt");
      expect(err.message).toContain("spam/production#2");
    });

    test("concurrent promotions from separate clients all land in history; the state equals the last event", async () => {
      const fx = await fresh();
      const { versions } = await seed(fx.open(), 3);
      // Separate registry objects, as separate CLI invocations would have.
      const clients = [fx.open(), fx.open(), fx.open(), fx.open(), fx.open(), fx.open()];
      const events = await Promise.all(clients.map((c, i) => c.setAlias("spam", "production", versions[i % 3]!, { by: `user${i}` })));
      expect(events.map((e) => e.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      const history = await fx.open().aliasHistory("spam", "production");
      expect(history.map((e) => e.by).sort()).toEqual(["user0", "user1", "user2", "user3", "user4", "user5"]);
      // Each event points where its own client asked (user<i> asked for versions[i % 3]): nothing mixed up between racers.
      for (const e of history) expect(e.to, e.by).toBe(modelId(versions[Number(e.by.slice("user".length)) % 3]!));
      // from is the previous event's target: the history is one consistent chain.
      for (let i = 1; i < history.length; i++) expect(history[i]!.from).toBe(history[i - 1]!.to);
      const last = history.at(-1)!;
      expect(await fx.open().resolveAlias("spam", "production")).toEqual({ project: "spam", ...{ key: "SPAM", stage: "TRAINED" }, version: Number(last.to.split("-").at(-1)) });
      expect((await fx.open().listAliases("spam"))[0]).toMatchObject({ alias: "production", by: last.by });
    });

    test("two processes promoting at once: every event lands, numbered without gaps or reuse, and the state is the last", async () => {
      const fx = await fresh();
      await seed(fx.open(), 2);
      const settings: ChildSettings = { entry: compiled!.entry, uri: fx.uri, options: { env: fx.options.env ?? {}, s3: fx.options.s3 ?? {} } };
      const [a, b] = await Promise.all([racePromoter(settings, 3, "a"), racePromoter(settings, 3, "b")]);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      const history = await fx.open().aliasHistory("spam", "production");
      expect(history.map((e) => e.by).sort()).toEqual(["a#0", "a#1", "a#2", "b#0", "b#1", "b#2"]);
      for (let i = 1; i < history.length; i++) expect(history[i]!.from).toBe(history[i - 1]!.to);
      expect((await fx.open().listAliases("spam"))[0]).toMatchObject({ by: history.at(-1)!.by, target: { version: Number(history.at(-1)!.to.split("-").at(-1)) } });
    }, 120_000);
  });
}
