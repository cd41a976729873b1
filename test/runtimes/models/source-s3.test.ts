/**
 * s3:// against s3rver on 127.0.0.1 (test/support/s3rver.ts): a prefix as a folder (with and
 * without the trailing slash), one object, a lock replayed from the cache with the server
 * down, and one sentence for a missing prefix, refused credentials and an unreachable server.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lockFromResolved, resolveModelSource, type ResolveOptions } from "../../../runtimes/models/index.js";
import { createS3Client } from "../../../runtimes/registry/s3-client.js";
import { startS3rver, type S3rverHandle } from "../../support/s3rver.js";
import { sha256, tempDir } from "../../support/models/workspace.js";

let s3: S3rverHandle;
const OBJECTS: Record<string, string> = {
  "models/minilm/config.json": "{}",
  "models/minilm/onnx/model.onnx": "bert graph",
  "models/minilm/tokenizer.json": "{}",
  "models/minilm/.DS_Store": "finder junk",
  "models/clf.onnx": "classifier graph",
};

beforeAll(async () => {
  s3 = await startS3rver({ bucket: "mesh-models" });
  const { client } = createS3Client({}, s3.env);
  for (const [Key, Body] of Object.entries(OBJECTS)) await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body }));
  client.destroy();
});
afterAll(() => s3?.stop());

function opts(over: Partial<ResolveOptions> = {}): ResolveOptions {
  const root = tempDir();
  return { root, baseDir: root, cacheDir: path.join(root, ".mesh/cache/models"), env: s3.env, s3: { maxAttempts: 1 }, timeoutMs: 5000, ...over };
}
const reject = (uri: string, o: ResolveOptions) =>
  resolveModelSource(uri, o).then(
    () => expect.fail(`${uri} resolved`),
    (e: Error) => e,
  );

const FOLDER = [
  { path: "config.json", sha256: sha256("{}"), size: 2 },
  { path: "onnx/model.onnx", sha256: sha256("bert graph"), size: 10 },
  { path: "tokenizer.json", sha256: sha256("{}"), size: 2 },
];

describe("s3://", () => {
  test("a prefix is a folder, with or without the trailing slash; hidden keys are skipped", async () => {
    const o = opts();
    const slash = await resolveModelSource("s3://mesh-models/models/minilm/", o);
    expect(slash).toMatchObject({ kind: "folder", files: FOLDER });
    expect(slash.onnx).toBe(path.join(slash.path, "onnx", "model.onnx"));
    expect(fs.readFileSync(slash.onnx!, "utf8")).toBe("bert graph");
    const bare = await resolveModelSource("s3://mesh-models/models/minilm", o);
    expect(bare).toMatchObject({ kind: "folder", files: FOLDER });
  });

  test("one object is a file", async () => {
    const r = await resolveModelSource("s3://mesh-models/models/clf.onnx", opts());
    expect(r).toMatchObject({ kind: "file", files: [{ path: "clf.onnx", sha256: sha256("classifier graph"), size: 16 }] });
    expect(path.basename(r.path)).toBe("clf.onnx");
    expect(fs.readFileSync(r.path, "utf8")).toBe("classifier graph");
  });

  test("a missing prefix is named", async () => {
    const e = await reject("s3://mesh-models/models/nothing", opts());
    expect(e).toMatchObject({ code: "not-found", message: "no object and no folder at s3://mesh-models/models/nothing" });
  });

  // s3rver checks the access key, not the SigV4 signature (see test/runtimes/registry/s3-errors.test.ts).
  test("refused credentials say which variables to check", async () => {
    const e = await reject("s3://mesh-models/models/clf.onnx", opts({ env: { ...s3.env, AWS_ACCESS_KEY_ID: "NOT-S3RVER" } }));
    expect(e).toMatchObject({ code: "denied" });
    expect(e.message).toMatch(/^S3 refused to read s3:\/\/mesh-models\/models\/clf\.onnx \(403 \w+\): check AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY and the bucket policy$/);
  });

  // Last: stops the server.
  test("with the server down, cached and locked sources still resolve; uncached ones fail in one sentence", async () => {
    const o = opts();
    const folder = await resolveModelSource("s3://mesh-models/models/minilm/", o);
    const file = await resolveModelSource("s3://mesh-models/models/clf.onnx", o);
    await s3.stop();
    expect(await resolveModelSource("s3://mesh-models/models/minilm/", { ...o, lock: lockFromResolved(folder) })).toEqual(folder);
    expect(await resolveModelSource("s3://mesh-models/models/clf.onnx", { ...o, lock: lockFromResolved(file) })).toEqual(file);
    expect(await resolveModelSource("s3://mesh-models/models/clf.onnx", o)).toEqual(file);
    const e = await reject("s3://mesh-models/models/clf.onnx", opts());
    expect(e).toMatchObject({ code: "unreachable" });
    expect(e.message).toBe(
      `cannot reach the S3 endpoint ${s3.endpoint} (ECONNREFUSED) to read s3://mesh-models/models/clf.onnx: is the server running, and are AWS_ENDPOINT_URL_S3 and the workspace's S3 settings right?`,
    );
  });
});
