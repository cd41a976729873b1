/**
 * Remote ingest sources against real servers on 127.0.0.1: an HTTP server we script
 * (retries with backoff on 5xx, no retry on 404, size cap, timeout, unreachable host) and
 * s3rver (one object, a prefix as a folder, a missing bucket, wrong credentials).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ingest, type IngestConfig } from "../../../runtimes/ingest/index.js";
import { createS3Client } from "../../../runtimes/registry/s3-client.js";
import { startS3rver, type S3rverHandle } from "../../support/s3rver.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { collector, tempWorkspace } from "../../support/lifecycle/workspace.js";

const cfg = (uri: string, over: Partial<IngestConfig> = {}): IngestConfig => ({ uri, format: "auto", columns: [], maxBytes: 1 << 20, timeoutMs: 2000, retries: 2, ...over });

describe("https sources (plain http on loopback)", () => {
  let server: http.Server;
  let base = "";
  const hits = new Map<string, number>();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? "";
      const n = (hits.get(url) ?? 0) + 1;
      hits.set(url, n);
      if (url === "/data.csv") {
        res.writeHead(200, { "content-type": "text/csv", etag: '"v1"' });
        res.end(req.method === "HEAD" ? undefined : "text,label\nhello,ham\n");
      } else if (url === "/flaky.jsonl") {
        // Fails twice (HEAD and the first GET), then works: retries must carry it through.
        if (n <= 2) {
          res.writeHead(503).end();
          return;
        }
        res.writeHead(200).end(req.method === "HEAD" ? undefined : '{"a":1}\n');
      } else if (url === "/plain.jsonl") {
        res.writeHead(200).end(req.method === "HEAD" ? undefined : '{"a":1}\n{"a":2}\n');
      } else if (url === "/big.jsonl") {
        res.writeHead(200); // no content-length: the cap must hold while streaming
        res.write('{"a":1}\n'.repeat(100));
        res.end('{"a":1}\n'.repeat(100));
      } else if (url === "/slow.jsonl") {
        setTimeout(() => res.writeHead(200).end('{"a":1}\n'), 3000).unref();
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const run = (c: IngestConfig, log: (l: string) => void = () => {}, registry = new TestRegistry()) => {
    const root = tempWorkspace();
    return ingest(c, { root, log, retryDelayMs: 5 }, { project: "p", registry });
  };

  test("a server without ETag is read every time, but unchanged rows register nothing new", async () => {
    const registry = new TestRegistry();
    const first = await run(cfg(`${base}/plain.jsonl`), () => {}, registry);
    expect(first.card.inputsHash).toBeUndefined();
    const again = await run(cfg(`${base}/plain.jsonl`), () => {}, registry);
    expect(again).toMatchObject({ skipped: true, card: { id: "raw-1" } });
    expect(registry.publishes).toBe(1);
  });

  test("downloads, parses and fingerprints by ETag", async () => {
    const r = await run(cfg(`${base}/data.csv`));
    expect(r.card).toMatchObject({ rows: 1, stats: { format: "csv" } });
    expect(r.card.inputsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("retries 5xx with backoff and says so on stderr", async () => {
    const { lines, log } = collector();
    const r = await run(cfg(`${base}/flaky.jsonl`, { retries: 3 }), log);
    expect(r.card.rows).toBe(1);
    expect(lines.filter((l) => l.includes("retrying")).length).toBe(2);
    expect(lines[0]).toMatch(/retrying .*flaky\.jsonl in 5 ms \(attempt 2 of 4\): HTTP 503/);
  });

  test("404 fails at once, without retries", async () => {
    hits.delete("/missing.csv");
    await expect(run(cfg(`${base}/missing.csv`, { retries: 3 }))).rejects.toThrow(/missing\.csv: HTTP 404/);
    expect(hits.get("/missing.csv")).toBe(1);
  });

  test("the size cap holds without a Content-Length", async () => {
    await expect(run(cfg(`${base}/big.jsonl`, { maxBytes: 1000, retries: 0 }))).rejects.toThrow(/more than 1000 bytes \(max_bytes\)/);
  });

  test("a slow server times out, per attempt", async () => {
    await expect(run(cfg(`${base}/slow.jsonl`, { timeoutMs: 100, retries: 1 }))).rejects.toThrow(/unreachable after 2 attempt\(s\)/);
  });

  test("an unreachable host is a clear error after the retries", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(run(cfg(`http://127.0.0.1:${port}/x.csv`, { retries: 1 }))).rejects.toThrow(/unreachable after 2 attempt\(s\): .*ECONNREFUSED/);
  });

  test("plain http is refused off loopback", async () => {
    await expect(run(cfg("http://example.com/x.csv"))).rejects.toThrow(/only https:\/\/ is allowed/);
  });
});

describe("s3 sources (s3rver)", () => {
  let s3: S3rverHandle;
  const env: Record<string, string | undefined> = {};
  beforeAll(async () => {
    s3 = await startS3rver({ bucket: "ingest-src" });
    for (const [k, v] of Object.entries(s3.env)) {
      env[k] = process.env[k];
      process.env[k] = v;
    }
    const { client } = createS3Client({ endpoint: s3.endpoint }, process.env);
    const put = (Key: string, Body: string) => client.send(new PutObjectCommand({ Bucket: "ingest-src", Key, Body }));
    await put("sets/mail.csv", "text,label\nhi,ham\nwin,spam\n");
    await put("folder/a.json", '{"text":"a"}');
    await put("folder/b.json", '{"text":"b"}');
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await s3?.stop();
  });
  const run = (c: IngestConfig) => {
    const root = tempWorkspace();
    return ingest(c, { root, log: () => {}, s3: { endpoint: s3.endpoint } }, { project: "p", registry: new TestRegistry() });
  };

  test("one object", async () => {
    const r = await run(cfg("s3://ingest-src/sets/mail.csv"));
    expect(r.card).toMatchObject({ rows: 2, stats: { format: "csv" } });
  });

  test("a prefix is a folder", async () => {
    const r = await run(cfg("s3://ingest-src/folder/", { format: "json-folder" }));
    expect(r.card.rows).toBe(2);
  });

  test("a missing bucket, a missing key and wrong credentials are clear errors", async () => {
    await expect(run(cfg("s3://no-such-bucket/x.csv", { retries: 0 }))).rejects.toThrow(/s3:\/\/no-such-bucket\/x\.csv: (the bucket does not exist|no such object)/);
    await expect(run(cfg("s3://ingest-src/sets/nope.csv", { retries: 0 }))).rejects.toThrow(/nope\.csv: no such object/);
    process.env.AWS_ACCESS_KEY_ID = "WRONG";
    try {
      await expect(run(cfg("s3://ingest-src/sets/mail.csv", { retries: 0 }))).rejects.toThrow(/access denied \(check AWS credentials\)/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = s3.env.AWS_ACCESS_KEY_ID;
    }
  });
});
