/**
 * https:// model files (plain http on loopback): streamed to the cache, reused without a
 * request, held to a lock, and refused with one sentence for 404, 403, a stream over the
 * limit, a stall and an unreachable host.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { lockFromResolved, resolveModelSource, type ResolveOptions } from "../../../runtimes/models/index.js";
import { closedPort } from "../../support/models/fake-hub.js";
import { sha256, tempDir } from "../../support/models/workspace.js";

let server: http.Server;
let base = "";
let served = "graph v1";
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? "";
    hits.push(url);
    if (url === "/models/clf.onnx") res.writeHead(200, { "content-length": Buffer.byteLength(served) }).end(served);
    else if (url === "/moved.onnx") res.writeHead(301, { location: "/models/clf.onnx" }).end();
    else if (url === "/private.onnx") res.writeHead(403, "Forbidden").end();
    else if (url === "/big.onnx") {
      res.writeHead(200); // no content-length: the limit must hold while streaming
      for (let i = 0; i < 10; i++) res.write("x".repeat(100));
      res.end();
    } else if (url === "/stall.onnx") {
      res.writeHead(200);
      res.write("partial"); // then nothing
    } else res.writeHead(404, "Not Found").end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  hits.length = 0;
  served = "graph v1";
});

function opts(over: Partial<ResolveOptions> = {}): ResolveOptions {
  const root = tempDir();
  return { root, baseDir: root, cacheDir: path.join(root, ".mesh/cache/models"), env: {}, timeoutMs: 2000, ...over };
}
const reject = (uri: string, o: ResolveOptions) =>
  resolveModelSource(uri, o).then(
    () => expect.fail(`${uri} resolved`),
    (e: Error) => e,
  );

describe("https://", () => {
  test("downloads one file into the cache and reuses it without a request", async () => {
    const o = opts();
    const uri = `${base}/models/clf.onnx`;
    const r = await resolveModelSource(uri, o);
    expect(r).toMatchObject({ uri, kind: "file", files: [{ path: "clf.onnx", sha256: sha256("graph v1"), size: 8 }] });
    expect(path.basename(r.path)).toBe("clf.onnx");
    expect(r.onnx).toBe(r.path);
    expect(r.path.startsWith(path.join(o.cacheDir, "https") + path.sep)).toBe(true);
    expect(fs.readFileSync(r.path, "utf8")).toBe("graph v1");
    hits.length = 0;
    expect(await resolveModelSource(uri, o)).toEqual(r);
    expect(hits).toEqual([]);
  });

  test("follows redirects", async () => {
    const r = await resolveModelSource(`${base}/moved.onnx`, opts());
    expect(r.files).toEqual([{ path: "moved.onnx", sha256: sha256("graph v1"), size: 8 }]);
    expect(hits).toEqual(["/moved.onnx", "/models/clf.onnx"]);
  });

  test("a lock holds the bytes: changed content upstream is refused in a fresh cache", async () => {
    const uri = `${base}/models/clf.onnx`;
    const lock = lockFromResolved(await resolveModelSource(uri, opts()));
    served = "graph v2";
    expect((await reject(uri, opts({ lock }))).message).toBe(`clf.onnx from ${uri} does not match model.lock.json: expected sha256 ${sha256("graph v1")}, got ${sha256("graph v2")}`);
  });

  test("404 and 403 each say what to do", async () => {
    expect((await reject(`${base}/gone.onnx`, opts())).message).toBe(`${base}/gone.onnx answered HTTP 404 Not Found: check the URL`);
    const denied = await reject(`${base}/private.onnx`, opts());
    expect(denied).toMatchObject({ code: "denied" });
    expect(denied.message).toBe(`${base}/private.onnx answered HTTP 403 Forbidden: the server wants credentials mesh does not send; download the file and point model.source.uri at it with file://`);
  });

  test("a body over the limit is cut off while streaming and nothing is kept", async () => {
    const o = opts({ maxBytes: 500 });
    const e = await reject(`${base}/big.onnx`, o);
    expect(e).toMatchObject({ code: "too-large" });
    expect(e.message).toBe(`${base}/big.onnx is more than the download limit of 500 B (maxBytes)`);
    const dirs = fs.readdirSync(path.join(o.cacheDir, "https"), { recursive: true }).map(String);
    expect(dirs.filter((d) => d.includes("staging") || d.endsWith(".onnx"))).toEqual([]);
  });

  test("a stalled download times out", async () => {
    const started = Date.now();
    const e = await reject(`${base}/stall.onnx`, opts({ timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e.message).toBe(`cannot reach ${base} for ${base}/stall.onnx (no answer within 200 ms): check the URL and the network, or download the file and point model.source.uri at it with file://`);
  });

  test("an unreachable host fails at once", async () => {
    const uri = `http://127.0.0.1:${await closedPort()}/model.onnx`;
    const e = await reject(uri, opts());
    expect(e).toMatchObject({ code: "unreachable" });
    expect(e.message).toMatch(/\(connect ECONNREFUSED 127\.0\.0\.1:\d+\): check the URL and the network/);
  });
});
