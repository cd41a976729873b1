/**
 * `mesh run … --registry s3://BUCKET/PREFIX` against a real S3-compatible server (s3rver on
 * 127.0.0.1): spam and iris reach their gates, the versions land in the bucket with
 * lineage both ways, a second run skips everything; a server that is down is a clear
 * error and a non-zero exit.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openRegistry } from "../../../runtimes/registry/index.js";
import type { ModelRef } from "../../../runtimes/registry/types.js";
import { startS3rver, type S3rverHandle } from "../../support/s3rver.js";
import { exampleWorkspace, meshRun } from "../../support/lifecycle/run-cli.js";

// The spam run trains on 6,046 e-mails: ~10 s on an idle 2-core machine, several times that
// when the whole suite shares the cores. Generous, so a busy CI box is not a failure.
const E2E_TIMEOUT = 300_000;

let s3: S3rverHandle;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  s3 = await startS3rver({ bucket: "mesh-e2e" });
  for (const [k, v] of Object.entries({ ...s3.env, MESH_REGISTRY: undefined })) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await s3?.stop();
});

describe("mesh run with an S3 registry", () => {
  test(
    "spam: every step into s3://, the gate reached, lineage both ways; the second run skips all",
    async () => {
      const root = exampleWorkspace("spam");
      const uri = "s3://mesh-e2e/registry";
      const r = await meshRun(root, "spam", { registry: uri });
      console.log(`spam over s3: ${(r.ms / 1000).toFixed(1)} s\n${r.stdout}`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`registry ${uri}`);
      const registry = openRegistry(uri);
      const trained: ModelRef = { project: "spam", key: "SPAM", stage: "TRAINED", version: 1 };
      const t = await registry.readModelCard(trained);
      expect(t.metrics.accuracy as number).toBeGreaterThanOrEqual(0.95);
      const c = await registry.readModelCard({ ...trained, stage: "COMPILED" });
      expect(c.parent).toBe("SPAM-TRAINED-1");
      expect(await registry.listChildren(trained)).toEqual([{ ...trained, stage: "COMPILED" }]);

      const again = await meshRun(root, "spam", { registry: uri });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.match(/skipped \(unchanged\)/g)).toHaveLength(4);
      expect(await registry.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([1]);
      expect(await registry.listModelVersions("spam", "SPAM", "COMPILED")).toEqual([1]);
    },
    E2E_TIMEOUT,
  );

  test("iris into another prefix of the same bucket", async () => {
    const root = exampleWorkspace("iris");
    const r = await meshRun(root, "iris", { registry: "s3://mesh-e2e/other" });
    expect(r.code, r.stderr).toBe(0);
    const registry = openRegistry("s3://mesh-e2e/other");
    expect(await registry.listProjects()).toEqual(["iris"]);
    expect((await registry.readModelCard({ project: "iris", key: "IRIS", stage: "TRAINED", version: 1 })).metrics.accuracy as number).toBeGreaterThanOrEqual(0.9);
  });

  test("a missing bucket is a clear error and exit 1", async () => {
    const root = exampleWorkspace("iris");
    const r = await meshRun(root, "iris", { registry: "s3://no-such-bucket/x" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mesh run: .*no-such-bucket.*$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // one sentence, no stack
    console.log(`missing bucket: ${r.stderr.trim()}`);
  });

  test("wrong credentials are a clear error and exit 1, nothing written", async () => {
    const root = exampleWorkspace("iris");
    process.env.AWS_ACCESS_KEY_ID = "NOT-A-KEY";
    try {
      const r = await meshRun(root, "iris", { registry: "s3://mesh-e2e/denied" });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^mesh run: ingest failed: .*(refused|denied|credentials|signature).*$/im);
      console.log(`wrong credentials: ${r.stderr.trim()}`);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = s3.env.AWS_ACCESS_KEY_ID;
    }
    expect(await openRegistry("s3://mesh-e2e/denied").listProjects()).toEqual([]);
  });

  test("an S3 server that is down is a clear error and exit 1", async () => {
    const down = await startS3rver({ bucket: "gone" });
    await down.stop();
    const root = exampleWorkspace("iris");
    process.env.AWS_ENDPOINT_URL_S3 = down.endpoint;
    try {
      const r = await meshRun(root, "iris", { registry: "s3://gone/x" });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^mesh run: .*(unreachable|ECONNREFUSED|cannot reach).*$/im);
      console.log(`server down: ${r.stderr.trim()}`);
    } finally {
      process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    }
  });
});
