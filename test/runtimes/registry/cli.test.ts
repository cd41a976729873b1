/**
 * `mesh registry ls|show` as a user runs them: in a workspace folder, on the default
 * registry, with --registry, MESH_REGISTRY and an S3 registry; output and exit codes.
 */
import { Command, CommanderError } from "commander";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { register, registryLs, registryShow, type RegistryContext } from "../../../compiler/cli/commands/registry.js";
import { openRegistry, type MeshRegistry } from "../../../runtimes/registry/index.js";
import { startS3rver, type S3rverHandle } from "../../support/s3rver.js";

const enc = (s: string) => new TextEncoder().encode(s);
const now = () => new Date("2026-11-26T10:00:00.000Z");

async function populate(reg: MeshRegistry): Promise<void> {
  const base = { project: "spam", specHash: "h", params: { epochs: 3 }, toolVersion: "0.1.0" };
  await reg.publishDataset("spam", "spam-assassin", { "data.jsonl": enc("{}\n") }, { project: "spam", dataset: "spam-assassin", sha256: "ab".repeat(32), rows: 5796, stats: {} });
  const t = await reg.publishModel(
    "spam",
    "SPAM",
    "TRAINED",
    { "model.onnx": new Uint8Array(2048) },
    {
      ...base,
      type: "trained",
      metrics: {
        accuracy: 0.9712,
        macroF1: 0.965,
        confusion: [
          [1, 0],
          [0, 1],
        ],
      },
    },
  );
  const c = await reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": new Uint8Array(1024) }, { ...base, type: "compiled", parent: "SPAM-TRAINED-1", metrics: { maxAbsDiff: 2.5e-7 } });
  await reg.appendChild(t, c);
}

function capture(cwd: string, env: NodeJS.ProcessEnv = {}): RegistryContext & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { cwd, env, stdout: (s) => (out += s), stderr: (s) => (err += s), out: () => out, err: () => err };
}

let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), "mesh-cli-registry-"));
  await populate(openRegistry(`file://${join(ws, ".mesh/registry")}`, { now }));
});
afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("mesh registry ls", () => {
  test("lists projects, datasets and versions with type, time, size, metrics and lineage", async () => {
    const ctx = capture(ws);
    expect(await registryLs(undefined, { format: "text" }, ctx)).toBe(0);
    expect(ctx.out()).toBe(
      [
        "registry file://.mesh/registry",
        "spam",
        "  datasets",
        "    spam-assassin-1  2026-11-26T10:00:00.000Z  rows=5796  sha256=abababababab",
        "  models",
        "    SPAM-TRAINED-1   trained   2026-11-26T10:00:00.000Z  2.0 KiB  accuracy=0.9712 macroF1=0.965  children SPAM-COMPILED-1",
        "    SPAM-COMPILED-1  compiled  2026-11-26T10:00:00.000Z  1.0 KiB  maxAbsDiff=2.50e-7             parent SPAM-TRAINED-1",
        "",
      ].join("\n"),
    );
    expect(ctx.err()).toBe("");
  });

  test("--format json carries the same tree", async () => {
    const ctx = capture(ws);
    expect(await registryLs("spam", { format: "json" }, ctx)).toBe(0);
    const listing = JSON.parse(ctx.out());
    expect(listing.projects[0].models.map((m: { name: string }) => m.name)).toEqual(["SPAM-TRAINED", "SPAM-COMPILED"]);
    expect(listing.projects[0].models[0].versions[0]).toMatchObject({ id: "SPAM-TRAINED-1", children: ["SPAM-COMPILED-1"], metrics: { accuracy: 0.9712 } });
  });

  test("an unknown project, an empty registry, a bad URI", async () => {
    let ctx = capture(ws);
    expect(await registryLs("nope", { format: "text" }, ctx)).toBe(1);
    expect(ctx.err()).toBe('mesh registry: no project "nope" in file://.mesh/registry (projects: spam)\n');
    ctx = capture(ws, { MESH_REGISTRY: "file://elsewhere" });
    expect(await registryLs(undefined, { format: "text" }, ctx)).toBe(0);
    expect(ctx.out()).toBe("registry file://elsewhere\n  (empty)\n");
    ctx = capture(ws);
    expect(await registryLs(undefined, { format: "text", registry: "ftp://x" }, ctx)).toBe(1);
    expect(ctx.err()).toMatch(/^mesh registry: invalid registry URI "ftp:\/\/x": unknown scheme/);
  });
});

describe("mesh registry show", () => {
  test("a model by bare id, by path, and a dataset, with card and lineage", async () => {
    let ctx = capture(ws);
    expect(await registryShow("SPAM-COMPILED-1", { format: "text" }, ctx)).toBe(0);
    expect(ctx.out()).toMatch(/^SPAM-COMPILED-1 \(model of project spam\) in file:\/\/\.mesh\/registry\ntype: {7}compiled\n/);
    expect(ctx.out()).toContain("\nparent:     SPAM-TRAINED-1\nchildren:   none\naliases:    none\n");
    expect(ctx.out()).toContain("\nmetrics\n  maxAbsDiff  2.50e-7\n");
    ctx = capture(ws);
    expect(await registryShow("spam/models/SPAM-TRAINED/1", { format: "json" }, ctx)).toBe(0);
    expect(JSON.parse(ctx.out())).toMatchObject({ id: "SPAM-TRAINED-1", lineage: { children: ["SPAM-COMPILED-1"] }, card: { metrics: { accuracy: 0.9712 } } });
    ctx = capture(ws);
    expect(await registryShow("spam/datasets/spam-assassin/1", { format: "json" }, ctx)).toBe(0);
    expect(JSON.parse(ctx.out()).card).toMatchObject({ id: "spam-assassin-1", rows: 5796 });
    ctx = capture(ws);
    expect(await registryShow("spam-assassin-1", { format: "text", project: "spam" }, ctx)).toBe(0);
  });

  test("unknown or unreadable ids exit 1 with one sentence", async () => {
    const cases: [string, string | undefined, string][] = [
      ["SPAM-COMPILED-9", undefined, "mesh registry: no model SPAM-COMPILED-9 in file://.mesh/registry\n"],
      ["SPAM-TRAINED-2", "spam", "mesh registry: no model SPAM-TRAINED-2 in file://.mesh/registry (project spam)\n"],
      ["spam/datasets/spam-assassin/4", undefined, "mesh registry: no dataset version spam/datasets/spam-assassin/4 in file://.mesh/registry (project spam)\n"],
      ["what?", undefined, 'mesh registry: cannot read "what?" as a version id: use KEY-TRAINED-N, KEY-COMPILED-N, DATASET-N, PROJECT/ID, PROJECT/models/KEY-STAGE/N or PROJECT/datasets/DATASET/N\n'],
    ];
    for (const [id, project, message] of cases) {
      const ctx = capture(ws);
      expect(await registryShow(id, { format: "text", ...(project ? { project } : {}) }, ctx)).toBe(1);
      expect(ctx.err()).toBe(message);
      expect(ctx.out()).toBe("");
    }
  });

  test("commander wiring: a bad --format is a usage error", async () => {
    const program = new Command("mesh").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    register(program);
    const err = await program.parseAsync(["node", "mesh", "registry", "ls", "--format", "xml"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommanderError);
    expect((err as CommanderError).code).toBe("commander.invalidArgument");
  });
});

describe("mesh registry on S3", () => {
  let server: S3rverHandle;
  beforeAll(async () => {
    server = await startS3rver();
    await populate(openRegistry(`s3://${server.bucket}/cli`, { env: server.env, now }));
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("--registry s3://… with the endpoint from the AWS environment", async () => {
    const ctx = capture(ws, server.env);
    expect(await registryLs(undefined, { format: "text", registry: `s3://${server.bucket}/cli` }, ctx)).toBe(0);
    expect(ctx.out().split("\n").slice(0, 4)).toEqual([`registry s3://${server.bucket}/cli`, "spam", "  datasets", expect.stringMatching(/^ {4}spam-assassin-1 +2026/)]);
    expect(ctx.out()).toContain("children SPAM-COMPILED-1");
  });
});
