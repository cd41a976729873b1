/**
 * The registry contract, one suite for every backend (file and S3). Each test starts from an
 * empty registry and checks what a user of the registry would notice: what is listed, what
 * bytes come back, which errors are raised, and what never happens (reuse, overwrite,
 * half-visible versions).
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RegistryError } from "../../../runtimes/registry/index.js";
import type { ModelCard, ModelRef } from "../../../runtimes/registry/types.js";
import type { Backend } from "./backends.js";
import { crashingPublisher, racePublisher, type ChildSettings } from "./children.js";
import { compileRegistry, type CompiledRegistry } from "./compiled.js";

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const trainedCard = (extra: Partial<ModelCard> = {}) => ({
  type: "trained" as const,
  project: "spam",
  specHash: "abc123",
  params: { epochs: 3 },
  metrics: { accuracy: 0.97 },
  toolVersion: "0.1.0",
  ...extra,
});
const compiledCard = (parent: string) => ({ ...trainedCard(), type: "compiled" as const, parent, metrics: { maxAbsDiff: 1e-6 } });
const datasetCard = { project: "spam", dataset: "spam-assassin", sha256: "f".repeat(64), rows: 3, stats: { labels: { spam: 1, ham: 2 } } };

async function rejection(p: Promise<unknown>): Promise<RegistryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected the call to fail").toBeInstanceOf(RegistryError);
  return err as RegistryError;
}

export function registryContract(getBackend: () => Backend): void {
  let tmp: string;
  let compiled: CompiledRegistry;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "mesh-registry-local-"));
    compiled = await compileRegistry();
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
    await compiled?.remove();
    await getBackend().cleanup();
  });
  const fresh = () => getBackend().fresh();

  describe("publish, list, read", () => {
    test("a dataset and a model land in the documented layout and read back verified", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const data = enc('{"text":"hi","label":"ham"}\n');
      const ds = await reg.publishDataset("spam", "spam-assassin", { "data.jsonl": data, "schema.json": enc("{}") }, datasetCard);
      expect(ds).toEqual({ project: "spam", dataset: "spam-assassin", version: 1 });

      const big = randomBytes(3 * 1024 * 1024 + 17);
      const bigPath = join(tmp, `model-${Date.now()}.onnx`);
      await writeFile(bigPath, big);
      const golden = enc('[{"label":"spam"}]');
      const ref = await reg.publishModel(
        "spam",
        "SPAM",
        "TRAINED",
        { "model.onnx": { localPath: bigPath }, "test_files/predictions.json": golden },
        trainedCard({ dataset: { name: "spam-assassin", version: 1, sha256: "f".repeat(64) } }),
      );
      expect(ref).toEqual({ project: "spam", key: "SPAM", stage: "TRAINED", version: 1 });

      expect(await fx.rawList()).toEqual(
        expect.arrayContaining([
          "spam/datasets/spam-assassin/1/card.json",
          "spam/datasets/spam-assassin/1/data.jsonl",
          "spam/datasets/spam-assassin/1/schema.json",
          "spam/models/SPAM-TRAINED/1/card.json",
          "spam/models/SPAM-TRAINED/1/model.onnx",
          "spam/models/SPAM-TRAINED/1/test_files/predictions.json",
        ]),
      );

      const card = await reg.readModelCard(ref);
      expect(card).toMatchObject({ id: "SPAM-TRAINED-1", type: "trained", project: "spam", metrics: { accuracy: 0.97 }, createdAt: "2026-01-02T03:04:05.000Z" });
      expect(card.files).toEqual({ "model.onnx": hex(big), "test_files/predictions.json": hex(golden) });
      expect(card.sizes).toEqual({ "model.onnx": big.length, "test_files/predictions.json": golden.length });
      expect(Buffer.from(await reg.readModelFile(ref, "model.onnx")).equals(big)).toBe(true);
      expect(await reg.readDatasetFile(ds, "data.jsonl")).toEqual(data);
      expect((await reg.readDatasetCard(ds)).id).toBe("spam-assassin-1");

      const out = join(tmp, `dl-${Date.now()}`);
      expect(await reg.downloadModel(ref, out)).toBe(out);
      expect((await readFile(join(out, "model.onnx"))).equals(big)).toBe(true);
      expect(await readFile(join(out, "test_files", "predictions.json"), "utf8")).toBe('[{"label":"spam"}]');
      expect(JSON.parse(await readFile(join(out, "card.json"), "utf8")).id).toBe("SPAM-TRAINED-1");
      const dsOut = join(tmp, `ds-${Date.now()}`);
      await reg.downloadDataset(ds, dsOut);
      expect(await readFile(join(dsOut, "data.jsonl"), "utf8")).toBe('{"text":"hi","label":"ham"}\n');
    });

    test("listings: projects, models, datasets, versions ascending, newest", async () => {
      const fx = await fresh();
      const reg = fx.open();
      expect(await reg.listProjects()).toEqual([]);
      expect(await reg.latestModel("spam", "SPAM", "TRAINED")).toBeUndefined();
      for (let i = 0; i < 3; i++) await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc(`m${i}`) }, trainedCard());
      await reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc("c") }, compiledCard("SPAM-TRAINED-2"));
      await reg.publishModel("iris", "IRIS", "TRAINED", { "model.onnx": enc("i") }, trainedCard({ project: "iris" }));
      await reg.publishDataset("iris", "iris", { "data.jsonl": enc("{}\n") }, { ...datasetCard, project: "iris", dataset: "iris" });
      expect(await reg.listProjects()).toEqual(["iris", "spam"]);
      expect(await reg.listModels("spam")).toEqual([
        { key: "SPAM", stage: "TRAINED" },
        { key: "SPAM", stage: "COMPILED" },
      ]);
      expect(await reg.listDatasets("iris")).toEqual(["iris"]);
      expect(await reg.listDatasets("spam")).toEqual([]);
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([1, 2, 3]);
      expect(await reg.latestModel("spam", "SPAM", "TRAINED")).toEqual({ project: "spam", key: "SPAM", stage: "TRAINED", version: 3 });
      expect(await reg.latestDataset("iris", "iris")).toEqual({ project: "iris", dataset: "iris", version: 1 });
      expect(new TextDecoder().decode(await reg.readModelFile({ project: "spam", key: "SPAM", stage: "TRAINED", version: 2 }, "model.onnx"))).toBe("m1");
    });

    test("only committed versions are listed: files staged for a version are not, whatever backend", async () => {
      const fx = await fresh();
      const reg = fx.open();
      await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("one") }, trainedCard());
      const card = await fx.rawList("spam/models/SPAM-TRAINED/1");
      expect(card).toContain("spam/models/SPAM-TRAINED/1/card.json");
      // What a publish in flight leaves where the backend stages it: the file backend's staging
      // folder (renamed into place on commit), S3's version keys before the card, written last.
      if (getBackend().name === "file") await fx.rawPut("spam/models/SPAM-TRAINED/.staging/2-0000/card.json", enc("{}"));
      else await fx.rawPut("spam/models/SPAM-TRAINED/2/model.onnx", enc("half"));
      await fx.rawPut("spam/models/SPAM-TRAINED/not-a-version/card.json", enc("{}"));
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([1]);
      expect(await reg.latestServableModel("spam", "SPAM")).toEqual({ project: "spam", key: "SPAM", stage: "TRAINED", version: 1 });
      const next = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("two") }, trainedCard());
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([1, next.version]);
    });

    test("the newest servable version skips compiled versions without model.onnx (Neuron, CPU trace)", async () => {
      const fx = await fresh();
      const reg = fx.open();
      expect(await reg.latestServableModel("spam", "SPAM")).toBeUndefined();
      await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("t1") }, trainedCard());
      expect(await reg.latestServableModel("spam", "SPAM")).toEqual({ project: "spam", key: "SPAM", stage: "TRAINED", version: 1 });
      await reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc("c1") }, compiledCard("SPAM-TRAINED-1"));
      await reg.publishModel("spam", "SPAM", "COMPILED", { "neuron/model.pt": enc("torchscript") }, compiledCard("SPAM-TRAINED-1"));
      expect(await reg.latestModel("spam", "SPAM", "COMPILED")).toMatchObject({ version: 2 });
      expect(await reg.latestServableModel("spam", "SPAM")).toEqual({ project: "spam", key: "SPAM", stage: "COMPILED", version: 1 });
    });

    test("unknown versions and files are clear not-found errors", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const ref: ModelRef = { project: "spam", key: "SPAM", stage: "TRAINED", version: 7 };
      const err = await rejection(reg.readModelCard(ref));
      expect(err.code).toBe("not-found");
      expect(err.message).toBe(`spam/SPAM-TRAINED-7 not found in ${fx.uri}`);
      const v1 = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("m") }, trainedCard());
      const noFile = await rejection(reg.readModelFile(v1, "weights.bin"));
      expect(noFile.code).toBe("not-found");
      expect(noFile.message).toContain("has no file weights.bin (files: model.onnx)");
    });
  });

  describe("atomic, immutable, verified", () => {
    test("a publish that fails mid-way leaves no visible version and its number is not reused", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const notAFile = join(tmp, `dir-${Date.now()}`);
      await mkdir(notAFile);
      const err = await rejection(reg.publishModel("spam", "SPAM", "TRAINED", { "a.json": enc("{}"), "model.onnx": { localPath: notAFile } }, trainedCard()));
      expect(err.code).toBe("io");
      expect(err.message).toContain("model.onnx");
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([]);
      expect((await rejection(reg.readModelCard({ project: "spam", key: "SPAM", stage: "TRAINED", version: 1 }))).code).toBe("not-found");
      expect((await fx.rawList("spam/models")).filter((k) => k.endsWith("card.json"))).toEqual([]);
      const next = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("ok") }, trainedCard());
      expect(next.version).toBe(2);
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([2]);
    });

    test("a publisher process killed mid-upload leaves nothing visible", async () => {
      const fx = await fresh();
      const fifo = join(tmp, `fifo-${Date.now()}`);
      execFileSync("mkfifo", [fifo]);
      const settings: ChildSettings = { entry: compiled.entry, uri: fx.uri, options: { env: fx.options.env ?? {}, s3: fx.options.s3 ?? {} } };
      const child = crashingPublisher(settings, fifo);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      const feed = createWriteStream(fifo);
      feed.on("error", () => undefined); // EPIPE once the reader is killed
      const chunk = randomBytes(1024 * 1024);
      // 12 MiB accepted by the pipe means the child has read past its first 5 MiB part.
      for (let i = 0; i < 12; i++) await new Promise<void>((resolve, reject) => feed.write(chunk, (e) => (e ? reject(e) : resolve())));
      child.kill("SIGKILL");
      await exited;
      feed.destroy();
      const reg = fx.open();
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([]);
      expect((await fx.rawList("spam")).filter((k) => k.endsWith("card.json"))).toEqual([]);
      const next = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("after crash") }, trainedCard());
      expect(next.version).toBe(2);
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([2]);
    });

    test("versions are never overwritten, even when the claims are lost", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const v1 = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("first") }, trainedCard());
      const cardBefore = await reg.readModelCard(v1);
      const keysBefore = await fx.rawList("spam/models/SPAM-TRAINED/1");
      for (const key of await fx.rawList("spam/models/SPAM-TRAINED/.claims")) await fx.rawDelete(key);
      const v2 = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("second") }, trainedCard());
      expect(v2.version).toBe(2);
      expect(await fx.rawList("spam/models/SPAM-TRAINED/1")).toEqual(keysBefore);
      expect(await reg.readModelCard(v1)).toEqual(cardBefore);
      expect(new TextDecoder().decode(await reg.readModelFile(v1, "model.onnx"))).toBe("first");
      expect(new TextDecoder().decode(await reg.readModelFile(v2, "model.onnx"))).toBe("second");
    });

    test("a tampered file is refused on read and download, naming the file and version", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const ref = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("good bytes"), "test_files/inputs.json": enc("[]") }, trainedCard());
      await fx.rawPut("spam/models/SPAM-TRAINED/1/model.onnx", enc("evil bytes"));
      const err = await rejection(reg.readModelFile(ref, "model.onnx"));
      expect(err.code).toBe("corrupt");
      expect(err.message).toMatch(/^checksum mismatch for model\.onnx of spam\/SPAM-TRAINED-1 in /);
      const out = join(tmp, `tampered-${Date.now()}`);
      expect((await rejection(reg.downloadModel(ref, out))).code).toBe("corrupt");
      expect(await readdir(out).catch(() => [])).not.toContain("model.onnx");
      // The untouched file still verifies; a deleted one is reported as missing.
      expect(new TextDecoder().decode(await reg.readModelFile(ref, "test_files/inputs.json"))).toBe("[]");
      await fx.rawDelete("spam/models/SPAM-TRAINED/1/test_files/inputs.json");
      expect((await rejection(reg.readModelFile(ref, "test_files/inputs.json"))).message).toContain("missing from");
    });

    test("ten concurrent publishes get the numbers 1..10 exactly once", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const refs = await Promise.all(Array.from({ length: 10 }, (_, i) => reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc(`writer ${i}`) }, trainedCard())));
      expect(refs.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Each writer's bytes are in the version it was given.
      for (const [i, r] of refs.entries()) expect(new TextDecoder().decode(await reg.readModelFile(r, "model.onnx"))).toBe(`writer ${i}`);
    });

    test("two processes racing for version numbers never share one", async () => {
      const fx = await fresh();
      const settings: ChildSettings = { entry: compiled.entry, uri: fx.uri, options: { env: fx.options.env ?? {}, s3: fx.options.s3 ?? {} } };
      const [a, b] = await Promise.all([racePublisher(settings, 4), racePublisher(settings, 4)]);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await fx.open().listModelVersions("spam", "SPAM", "TRAINED")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });
  });

  describe("lineage", () => {
    test("a compiled card names its parent and the parent lists its children", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const trained = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("t") }, trainedCard());
      const keysBefore = (await fx.rawList("spam/models/SPAM-TRAINED/1")).join();
      const c1 = await reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc("c1") }, compiledCard("SPAM-TRAINED-1"));
      const c2 = await reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc("c2") }, compiledCard("SPAM-TRAINED-1"));
      expect(await reg.listChildren(trained)).toEqual([]);
      await reg.appendChild(trained, c2);
      await reg.appendChild(trained, c1);
      await reg.appendChild(trained, c1); // idempotent
      expect(await reg.listChildren(trained)).toEqual([c1, c2]);
      expect((await reg.readModelCard(c1)).parent).toBe("SPAM-TRAINED-1");
      // The parent's card and files are untouched by the lineage records.
      expect((await fx.rawList("spam/models/SPAM-TRAINED/1")).filter((k) => !k.includes("/children/")).join()).toBe(keysBefore);
      expect(new TextDecoder().decode(await reg.readModelFile(trained, "model.onnx"))).toBe("t");
    });

    test("lineage is checked: parent must exist, child must name it", async () => {
      const fx = await fresh();
      const reg = fx.open();
      expect((await rejection(reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc("c") }, trainedCard({ type: "compiled" })))).code).toBe("invalid");
      const missing = await rejection(reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc("c") }, compiledCard("SPAM-TRAINED-4")));
      expect(missing.message).toContain("parent SPAM-TRAINED-4");
      const t1 = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("t1") }, trainedCard());
      const t2 = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("t2") }, trainedCard());
      const c = await reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc("c") }, compiledCard("SPAM-TRAINED-1"));
      expect((await rejection(reg.appendChild(t2, c))).code).toBe("invalid");
      expect((await rejection(reg.appendChild(t1, { ...c, version: 9 }))).code).toBe("not-found");
      expect(await reg.listChildren(t2)).toEqual([]);
    });
  });

  describe("names and paths", () => {
    test("path traversal and reserved names are refused before anything is written", async () => {
      const fx = await fresh();
      const reg = fx.open();
      const bad: (() => Promise<unknown>)[] = [
        () => reg.publishModel("../x", "SPAM", "TRAINED", { "m.onnx": enc("x") }, trainedCard({ project: "../x" })),
        () => reg.publishModel("spam", "../SPAM", "TRAINED", { "m.onnx": enc("x") }, trainedCard()),
        () => reg.publishModel("spam", "SPAM", "DEPLOYED" as "TRAINED", { "m.onnx": enc("x") }, trainedCard()),
        () => reg.publishDataset("spam", "..", { "d.jsonl": enc("x") }, { ...datasetCard, dataset: ".." }),
        ...["../m.onnx", "/etc/passwd", "a\\b", "a//b", "./m", "card.json", "children/x.json", "a/../../b", ""].map(
          (rel) => () => reg.publishModel("spam", "SPAM", "TRAINED", { [rel]: enc("x") }, trainedCard()),
        ),
        () => reg.readModelFile({ project: "spam", key: "SPAM", stage: "TRAINED", version: 1 }, "../../../etc/passwd"),
        () => reg.readModelCard({ project: "spam", key: "SPAM", stage: "TRAINED", version: 0 }),
      ];
      for (const p of bad) expect((await rejection(p())).code).toBe("invalid");
      expect(await fx.rawList()).toEqual([]);
    });

    test("a card whose project does not match is refused", async () => {
      const fx = await fresh();
      const err = await rejection(fx.open().publishModel("spam", "SPAM", "TRAINED", { "m.onnx": enc("x") }, trainedCard({ project: "iris" })));
      expect(err.message).toContain('"iris" does not match "spam"');
    });
  });
}
