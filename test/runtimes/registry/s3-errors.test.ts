/**
 * S3 failures a user meets, against a real s3rver on 127.0.0.1: the server is down, the
 * bucket does not exist, the credentials are refused, the server dies mid-upload. Each gives
 * one clear sentence and leaves no half-visible version.
 *
 * What s3rver enforces about credentials: it checks that the access key id is its own
 * (`S3RVER`) and answers 403 InvalidAccessKeyId otherwise; it does NOT verify SigV4
 * signatures, so a wrong secret key is accepted — that case is covered by the error mapping
 * unit test (s3-error-mapping.test.ts) with the error AWS returns (SignatureDoesNotMatch).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RegistryError, openRegistry } from "../../../runtimes/registry/index.js";
import { startS3rver, type S3rverHandle } from "../../support/s3rver.js";

const enc = (s: string) => new TextEncoder().encode(s);
const card = { type: "trained" as const, project: "spam", specHash: "h", params: {}, metrics: {}, toolVersion: "t" };
const ref = { project: "spam", key: "SPAM", stage: "TRAINED" as const, version: 1 };

async function failure(p: Promise<unknown>): Promise<RegistryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RegistryError);
  return err as RegistryError;
}

let server: S3rverHandle;
let tmp: string;
beforeAll(async () => {
  server = await startS3rver();
  tmp = await mkdtemp(join(tmpdir(), "mesh-s3-errors-"));
});
afterAll(async () => {
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe("S3 errors", () => {
  test("server down: every operation says it cannot reach the endpoint", async () => {
    const down = await startS3rver();
    await down.stop();
    const reg = openRegistry(`s3://${down.bucket}/x`, { env: down.env, s3: { maxAttempts: 1 } });
    for (const op of [() => reg.listProjects(), () => reg.readModelCard(ref), () => reg.publishModel("spam", "SPAM", "TRAINED", { "m.onnx": enc("m") }, card)]) {
      const err = await failure(op());
      expect(err.code).toBe("unreachable");
      expect(err.message).toBe(`cannot reach S3 endpoint ${down.endpoint} (ECONNREFUSED) for registry s3://${down.bucket}/x; is the server running?`);
    }
  });

  test("missing bucket: named in the error, for reads, listings and publishes", async () => {
    const reg = openRegistry("s3://no-such-bucket/models", { env: server.env });
    for (const op of [() => reg.listProjects(), () => reg.readModelCard(ref), () => reg.publishModel("spam", "SPAM", "TRAINED", { "m.onnx": enc("m") }, card)]) {
      const err = await failure(op());
      expect(err.code).toBe("no-bucket");
      expect(err.message).toBe(`S3 bucket "no-such-bucket" does not exist at ${server.endpoint} (registry s3://no-such-bucket/models); create it or fix the URI`);
    }
  });

  test("unknown access key: 403 InvalidAccessKeyId, nothing written", async () => {
    const env = { ...server.env, AWS_ACCESS_KEY_ID: "NOT-A-KEY" };
    const reg = openRegistry(`s3://${server.bucket}/creds`, { env });
    for (const op of [() => reg.listProjects(), () => reg.publishModel("spam", "SPAM", "TRAINED", { "m.onnx": enc("m") }, card)]) {
      const err = await failure(op());
      expect(err.code).toBe("forbidden");
      expect(err.message).toMatch(/^S3 refused the request \(403 InvalidAccessKeyId\) to .* in registry s3:\/\/mesh-test\/creds; check AWS_ACCESS_KEY_ID/);
    }
    expect(await openRegistry(`s3://${server.bucket}/creds`, { env: server.env }).listProjects()).toEqual([]);
  });

  test("server dies mid-upload: clear error, and after a restart the version is invisible and its number is not reused", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mesh-s3-restart-"));
    let s = await startS3rver({ directory: dir });
    const port = s.port;
    const uri = `s3://${s.bucket}/restart`;
    const options = { env: s.env, s3: { partSize: 5 * 1024 * 1024, maxAttempts: 1 } };
    const fifo = join(tmp, "fifo");
    execFileSync("mkfifo", [fifo]);
    const publishing = openRegistry(uri, options).publishModel("spam", "SPAM", "TRAINED", { "a.json": enc("{}"), "z.bin": { localPath: fifo } }, card);
    const settled = publishing.then(
      () => undefined,
      (e: unknown) => e,
    );
    const feed = createWriteStream(fifo);
    feed.on("error", () => undefined);
    const chunk = randomBytes(1024 * 1024);
    for (let i = 0; i < 7; i++) await new Promise<void>((resolve, reject) => feed.write(chunk, (e) => (e ? reject(e) : resolve())));
    await s.stop();
    for (let i = 0; i < 6; i++) await new Promise<void>((resolve) => feed.write(chunk, () => resolve()));
    feed.end();
    const err = (await settled) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.code).toBe("unreachable");
    expect(err.message).toContain(`cannot reach S3 endpoint ${s.endpoint}`);

    s = await startS3rver({ directory: dir, port });
    try {
      const reg = openRegistry(uri, { env: s.env });
      expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([]);
      expect((await failure(reg.readModelCard(ref))).code).toBe("not-found");
      const next = await reg.publishModel("spam", "SPAM", "TRAINED", { "m.onnx": enc("after restart") }, card);
      expect(next.version).toBe(2);
    } finally {
      await s.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("file errors", () => {
  test("a registry root that is a file gives one clear error", async () => {
    const file = join(tmp, "not-a-dir");
    await writeFile(file, "x");
    const err = await failure(openRegistry(`file://${file}`).publishModel("spam", "SPAM", "TRAINED", { "m.onnx": enc("m") }, card));
    expect(err.code).toBe("io");
    expect(err.message).toMatch(/^cannot create spam\/models\/SPAM-TRAINED\/\.claims in file:\/\/.*not-a-dir: ENOTDIR$/);
  });
});
