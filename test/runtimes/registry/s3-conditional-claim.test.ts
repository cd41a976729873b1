/**
 * Version claims on S3 take one of two paths, probed once per opened store: conditional puts
 * (`If-None-Match: *`, honoured by AWS S3 since 2024) or the bakery protocol (s3rver ignores
 * the header). Both are raced here against real HTTP: s3rver for the fallback, and s3rver
 * behind a loopback proxy that enforces `If-None-Match: *` the way AWS does (412 when the key
 * exists) for the conditional path.
 */
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { s3Store } from "../../../runtimes/registry/s3-store.js";
import { startS3rver, type S3rverHandle } from "../../support/s3rver.js";

let s3: S3rverHandle;
let proxy: Server;
let proxyEndpoint = "";
/** Conditional puts the proxy refused with 412 (proof the racing writers really collided). */
let refused = 0;

/**
 * Forwards every request unchanged (the SigV4 signature covers the Host header, which is kept)
 * and answers a PUT carrying `If-None-Match: *` itself with 412 when the key is already
 * stored. Keys are tracked as they pass through; the check and the reservation happen in one
 * synchronous step, so two racing puts of one key can never both be forwarded.
 */
function enforcingProxy(target: URL): Server {
  const present = new Set<string>();
  return createServer((req: IncomingMessage, res) => {
    const key = decodeURIComponent((req.url ?? "").split("?")[0]!);
    const conditional = req.method === "PUT" && req.headers["if-none-match"] === "*";
    if (conditional) {
      if (present.has(key)) {
        refused += 1;
        req.resume();
        res
          .writeHead(412, { "content-type": "application/xml" })
          .end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
        return;
      }
      present.add(key);
    }
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      const ok = (up.statusCode ?? 500) < 300;
      if (ok && req.method === "PUT") present.add(key);
      if (ok && req.method === "DELETE") present.delete(key);
      if (!ok && conditional) present.delete(key);
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
}

beforeAll(async () => {
  s3 = await startS3rver();
  proxy = enforcingProxy(new URL(s3.endpoint));
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await s3.stop();
});

// The SDK's default retries, as the registry's own client keeps them: s3rver answers 500
// InternalError when two deletes race to remove the same emptied folder (its delete lists the
// parent, then rmdirs it), and S3 itself asks clients to retry that answer. Every step of the
// claim protocols is idempotent, so a retried put or delete cannot change who wins.
const client = (endpoint: string) => new S3Client({ endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials });
const store = (endpoint: string, prefix: string) => s3Store({ client: client(endpoint), endpoint, bucket: s3.bucket, prefix, uri: `s3://${s3.bucket}/${prefix}` });

async function keys(prefix: string): Promise<string[]> {
  const page = await client(s3.endpoint).send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
  return (page.Contents ?? []).map((o) => o.Key!.slice(prefix.length + 1)).sort();
}

/** K writers, each with its own store (so each probes on its own), claim under one base at once. */
const race = (endpoint: string, prefix: string, k: number) => Promise.all(Array.from({ length: k }, () => store(endpoint, prefix).claimVersion("p/models/K-TRAINED")));

describe("S3 version claims", () => {
  test("a server that honours If-None-Match: racing writers get distinct versions with one conditional put each", async () => {
    refused = 0;
    const got = await race(proxyEndpoint, "honoured", 6);
    expect([...got].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    // The writers collided (each probe's second put was refused too, hence more than 6).
    expect(refused).toBeGreaterThan(6);
    const stored = await keys("honoured");
    // Only the claim markers: no bakery tickets, and every probe key removed again.
    expect(stored).toEqual([1, 2, 3, 4, 5, 6].map((n) => `p/models/K-TRAINED/.claims/${n}/claim`));
    // A later writer continues after the largest claim.
    expect(await store(proxyEndpoint, "honoured").claimVersion("p/models/K-TRAINED")).toBe(7);
  }, 60_000);

  test("a server that ignores If-None-Match (s3rver): the probe sees the overwrite and the bakery protocol keeps versions distinct", async () => {
    const got = await race(s3.endpoint, "ignored", 4);
    expect([...got].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    const stored = await keys("ignored");
    expect(stored.filter((k) => k.endsWith("/claim"))).toEqual([]);
    expect(stored.filter((k) => k.includes("/tickets/"))).toHaveLength(4);
    expect(stored.filter((k) => k.startsWith(".claims/probe"))).toEqual([]);
  }, 60_000); // four racing bakery claims over real HTTP: seconds on a loaded machine

  test("numbers taken by one protocol are skipped by the other", async () => {
    await race(s3.endpoint, "mixed", 2);
    expect(await store(proxyEndpoint, "mixed").claimVersion("p/models/K-TRAINED")).toBe(3);
    expect(await store(s3.endpoint, "mixed").claimVersion("p/models/K-TRAINED")).toBe(4);
  });
});
