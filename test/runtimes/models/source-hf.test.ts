/**
 * hf:// against a fake Hub on 127.0.0.1 (test/support/models/fake-hub.ts): branch → commit,
 * exactly the files serving needs, LFS files through a CDN redirect on another origin, cache
 * reuse without any request, locks, and one sentence for every way the Hub can fail.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { lockFromResolved, resolveModelSource, serializeLock, parseLock, type ResolveOptions } from "../../../runtimes/models/index.js";
import { closedPort, startFakeHub, type FakeHub, type FakeRepo } from "../../support/models/fake-hub.js";
import { collector, sha256, tempDir } from "../../support/models/workspace.js";

const C1 = "1".repeat(40);
const C2 = "2".repeat(40);

const minilm = (onnx: string): Record<string, { content: string; lfs?: boolean }> => ({
  ".gitattributes": { content: "*.onnx filter=lfs" },
  "README.md": { content: "# MiniLM" },
  "config.json": { content: '{"model_type":"bert"}' },
  "tokenizer.json": { content: '{"model":{"type":"WordPiece"}}' },
  "tokenizer_config.json": { content: '{"do_lower_case":true}' },
  "special_tokens_map.json": { content: '{"cls_token":"[CLS]"}' },
  "vocab.txt": { content: "[PAD]\n[UNK]\n[CLS]\n" },
  "onnx/model.onnx": { content: onnx, lfs: true },
  "onnx/model_quantized.onnx": { content: "quantized", lfs: true },
  "pytorch_model.bin": { content: "torch weights", lfs: true },
  "tf_model.h5": { content: "tf weights", lfs: true },
});

const SERVED = ["config.json", "onnx/model.onnx", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"];

function repos(): Record<string, FakeRepo> {
  return {
    "acme/minilm": { refs: { main: C1 }, commits: { [C1]: minilm("onnx v1"), [C2]: minilm("onnx v2") } },
    "bert-tiny": { refs: { main: C1 }, commits: { [C1]: { "model.onnx": { content: "graph", lfs: true }, "config.json": { content: "{}" } } }, relativeRedirects: true },
    "acme/private": { refs: { main: C1 }, commits: { [C1]: { "model.onnx": { content: "secret graph", lfs: true } } }, private: true },
    "acme/gated": { refs: { main: C1 }, commits: { [C1]: { "model.onnx": { content: "g" } } }, gated: true },
    "acme/no-onnx": { refs: { main: C1 }, commits: { [C1]: { "config.json": { content: "{}" }, "pytorch_model.bin": { content: "w", lfs: true } } } },
  };
}

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub(repos());
});
afterAll(() => hub.stop());
beforeEach(() => {
  hub.repos = repos();
  hub.override = undefined;
  hub.tamper = {};
  hub.requests.length = 0;
});

/** Options for a fresh workspace and cache; the environment holds only what the test gives. */
function opts(over: Partial<ResolveOptions> = {}, env: NodeJS.ProcessEnv = {}): ResolveOptions {
  const root = tempDir();
  return { root, baseDir: path.join(root, "projects/app"), cacheDir: path.join(root, ".mesh/cache/models"), hfEndpoint: hub.endpoint, env, timeoutMs: 2000, ...over };
}

const hubRequests = () => hub.requests.filter((r) => r.server === "hub");

describe("resolving", () => {
  test("@main resolves to the commit and downloads exactly the files serving needs", async () => {
    const { lines, log } = collector();
    const o = opts({ log });
    const r = await resolveModelSource("hf://acme/minilm", o);
    expect(r).toMatchObject({ uri: "hf://acme/minilm", kind: "folder", revision: C1 });
    expect(r.files.map((f) => f.path)).toEqual(SERVED);
    expect(r.files.find((f) => f.path === "onnx/model.onnx")).toEqual({ path: "onnx/model.onnx", sha256: sha256("onnx v1"), size: 7 });
    expect(r.onnx).toBe(path.join(r.path, "onnx", "model.onnx"));
    expect(fs.readFileSync(r.onnx!, "utf8")).toBe("onnx v1");
    expect(r.path.startsWith(path.join(o.cacheDir, "hf", "acme--minilm") + path.sep)).toBe(true);
    // One listing, then every file at the commit (never at "main"), nothing else.
    const urls = hubRequests().map((q) => q.url);
    expect(urls[0]).toBe("/api/models/acme/minilm/revision/main?blobs=true");
    expect(urls.slice(1).sort()).toEqual(SERVED.map((f) => `/acme/minilm/resolve/${C1}/${f}`).sort());
    expect(hub.requests.filter((q) => q.server === "cdn")).toHaveLength(1); // the LFS graph came through the redirect
    expect(lines.some((l) => l.startsWith("downloading onnx/model.onnx (7 B) from hf://acme/minilm"))).toBe(true);
  });

  test("a second resolve uses the cache and makes no request at all", async () => {
    const o = opts();
    const first = await resolveModelSource("hf://acme/minilm", o);
    hub.requests.length = 0;
    const { lines, log } = collector();
    const again = await resolveModelSource("hf://acme/minilm", { ...o, log });
    expect(hub.requests).toEqual([]);
    expect(again).toEqual(first);
    expect(lines).toEqual([expect.stringMatching(/^using cached hf:\/\/acme\/minilm at 111111111111/)]);
  });

  test("the branch stays pinned until refresh; refresh with an unchanged commit downloads nothing", async () => {
    const o = opts();
    await resolveModelSource("hf://acme/minilm", o);
    hub.repos["acme/minilm"]!.refs.main = C2;
    expect((await resolveModelSource("hf://acme/minilm", o)).revision).toBe(C1);
    const moved = await resolveModelSource("hf://acme/minilm", { ...o, refresh: true });
    expect(moved.revision).toBe(C2);
    expect(fs.readFileSync(moved.onnx!, "utf8")).toBe("onnx v2");
    hub.requests.length = 0;
    await resolveModelSource("hf://acme/minilm", { ...o, refresh: true });
    expect(hubRequests().map((q) => q.url)).toEqual(["/api/models/acme/minilm/revision/main?blobs=true"]);
  });

  test("a name without an organisation, an explicit commit, and a relative redirect on resolve", async () => {
    const r = await resolveModelSource(`hf://bert-tiny@${C1}`, opts());
    expect(r.files.map((f) => f.path)).toEqual(["config.json", "model.onnx"]);
    expect(r.onnx).toBe(path.join(r.path, "model.onnx"));
    expect(hubRequests().map((q) => q.url)).toContain(`/api/resolve-cache/bert-tiny/resolve/${C1}/config.json`);
  });

  test("include adds Neuron weights; an include the repository lacks is named", async () => {
    const r = await resolveModelSource("hf://acme/minilm", opts({ include: ["pytorch_model.bin"] }));
    expect(r.files.map((f) => f.path)).toEqual([...SERVED, "pytorch_model.bin"].sort());
    await expect(resolveModelSource("hf://acme/minilm", opts({ include: ["flax_model.msgpack"] }))).rejects.toThrow(
      `hf://acme/minilm (commit ${C1}) has no file flax_model.msgpack (named in include)`,
    );
  });

  test("a repository without an ONNX export is refused with what to do", async () => {
    await expect(resolveModelSource("hf://acme/no-onnx", opts())).rejects.toThrow(/has no ONNX export \(model\.onnx or onnx\/model\.onnx\): export it with `optimum-cli export onnx`/);
    const weights = await resolveModelSource("hf://acme/no-onnx", opts({ include: ["pytorch_model.bin"] }));
    expect(weights.onnx).toBeUndefined();
  });

  test("the endpoint comes from MESH_HF_ENDPOINT before HF_ENDPOINT", async () => {
    const o = opts({}, { MESH_HF_ENDPOINT: hub.endpoint, HF_ENDPOINT: "http://127.0.0.1:1" });
    delete (o as { hfEndpoint?: string }).hfEndpoint;
    expect((await resolveModelSource("hf://acme/minilm", o)).revision).toBe(C1);
  });
});

describe("locks", () => {
  test("a lock replays its commit in a fresh cache without asking for the branch", async () => {
    const lock = parseLock(serializeLock(lockFromResolved(await resolveModelSource("hf://acme/minilm", opts()))), "model.lock.json");
    expect(lock.revision).toBe(C1);
    hub.repos["acme/minilm"]!.refs.main = C2;
    hub.requests.length = 0;
    const r = await resolveModelSource("hf://acme/minilm", opts({ lock }));
    expect(r.revision).toBe(C1);
    expect(fs.readFileSync(r.onnx!, "utf8")).toBe("onnx v1");
    expect(hubRequests().some((q) => q.url.startsWith("/api/"))).toBe(false);
  });

  test("a tampered file fails against the lock, naming the file and both hashes", async () => {
    const lock = lockFromResolved(await resolveModelSource("hf://acme/minilm", opts()));
    hub.tamper["vocab.txt"] = "[PAD]\n[EVIL]\n";
    const o = opts({ lock });
    await expect(resolveModelSource("hf://acme/minilm", o)).rejects.toThrow(
      `vocab.txt from hf://acme/minilm does not match model.lock.json: expected sha256 ${sha256("[PAD]\n[UNK]\n[CLS]\n")}, got ${sha256("[PAD]\n[EVIL]\n")}, 13 bytes instead of 18`,
    );
    // Nothing half-verified was kept.
    expect(fs.readdirSync(path.join(o.cacheDir, "hf", "acme--minilm"))).toEqual([]);
  });

  test("without a lock, a download that differs from the Hub's own hashes is refused", async () => {
    hub.tamper["onnx/model.onnx"] = "onnx vX"; // same size, other bytes: only the LFS sha256 catches it
    await expect(resolveModelSource("hf://acme/minilm", opts())).rejects.toThrow(
      `the download of onnx/model.onnx from hf://acme/minilm is damaged: the server announced sha256 ${sha256("onnx v1")}, got ${sha256("onnx vX")}; try again`,
    );
    hub.tamper = { "config.json": '{"model_type":"gpt2"}' }; // outside LFS, same size: the git blob id catches it
    await expect(resolveModelSource("hf://acme/minilm", opts())).rejects.toThrow(
      /^the download of config\.json from hf:\/\/acme\/minilm is damaged: the server announced git blob id [0-9a-f]{40}, got [0-9a-f]{40}; try again$/,
    );
  });

  test("a damaged cache entry is downloaded again", async () => {
    const o = opts();
    const first = await resolveModelSource("hf://acme/minilm", o);
    fs.writeFileSync(path.join(first.path, "vocab.txt"), "edited");
    const { lines, log } = collector();
    const again = await resolveModelSource("hf://acme/minilm", { ...o, lock: lockFromResolved(first), log });
    expect(again.files).toEqual(first.files);
    expect(fs.readFileSync(path.join(again.path, "vocab.txt"), "utf8")).toBe("[PAD]\n[UNK]\n[CLS]\n");
    expect(lines.some((l) => /is damaged \(vocab\.txt changed\); downloading it again/.test(l))).toBe(true);
  });

  test("a lock for another source, or one missing an included file, is refused", async () => {
    const lock = lockFromResolved(await resolveModelSource("hf://acme/minilm", opts()));
    await expect(resolveModelSource("hf://acme/minilm@v2", opts({ lock }))).rejects.toThrow("model.lock.json pins hf://acme/minilm, but the spec names hf://acme/minilm@v2; update the lock");
    await expect(resolveModelSource("hf://acme/minilm", opts({ lock, include: ["pytorch_model.bin"] }))).rejects.toThrow(
      "include names pytorch_model.bin, which model.lock.json does not pin; update the lock",
    );
  });
});

describe("tokens", () => {
  test("HF_TOKEN goes as a bearer token to the Hub, never to the CDN it redirects to", async () => {
    const r = await resolveModelSource("hf://acme/private", opts({}, { HF_TOKEN: hub.token }));
    expect(fs.readFileSync(r.onnx!, "utf8")).toBe("secret graph");
    expect(hubRequests().every((q) => q.authorization === `Bearer ${hub.token}`)).toBe(true);
    const cdn = hub.requests.filter((q) => q.server === "cdn");
    expect(cdn).toHaveLength(1);
    expect(cdn[0]!.authorization).toBeUndefined();
  });

  test("the token never reaches the log", async () => {
    const { lines, log } = collector();
    await resolveModelSource("hf://acme/private", opts({ log }, { HF_TOKEN: hub.token }));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(hub.token);
  });
});

describe("failures are one sentence", () => {
  const fails = (uri: string, o: ResolveOptions) =>
    resolveModelSource(uri, o).then(
      () => expect.fail("resolved"),
      (e: Error) => e,
    );

  test("401: private or gated without a token, and a rejected token", async () => {
    const e = await fails("hf://acme/private", opts());
    expect(e).toMatchObject({ name: "ModelSourceError", code: "denied" });
    expect(e.message).toBe(
      `the Hugging Face Hub at ${hub.endpoint} refused acme/private without a token (401 RepoNotFound): the repository is private or gated, or does not exist; set HF_TOKEN to a token that can read it, or check the name`,
    );
    const bad = await fails("hf://acme/private", opts({}, { HF_TOKEN: "hf_wrong" }));
    expect(bad.message).toBe(`the Hugging Face Hub at ${hub.endpoint} rejected HF_TOKEN for acme/private (401 InvalidCredentials): check that the token is valid and can read the repository`);
    expect(bad.message).not.toContain("hf_wrong");
  });

  test("403 gated: accept the terms", async () => {
    const e = await fails("hf://acme/gated", opts({}, { HF_TOKEN: hub.token }));
    expect(e.message).toBe(`acme/gated is a gated repository (403 GatedRepo): accept its terms at ${hub.endpoint}/acme/gated and set HF_TOKEN to a token of that account`);
  });

  test("404: unknown repository and unknown revision each get their sentence", async () => {
    const repo = await fails("hf://acme/nothing", opts({}, { HF_TOKEN: hub.token }));
    expect(repo).toMatchObject({ code: "not-found" });
    expect(repo.message).toBe(`the Hugging Face Hub at ${hub.endpoint} has no model acme/nothing (404 RepoNotFound): check the repository id in model.source.uri`);
    const rev = await fails("hf://acme/minilm@v9", opts());
    expect(rev.message).toBe(`acme/minilm has no revision "v9" on the Hugging Face Hub at ${hub.endpoint} (404 RevisionNotFound): check the branch, tag or commit after @ in model.source.uri`);
  });

  test("404 on a locked file names the file and the commit", async () => {
    const lock = lockFromResolved(await resolveModelSource("hf://acme/minilm", opts()));
    delete hub.repos["acme/minilm"]!.commits[C1]!["vocab.txt"];
    const e = await fails("hf://acme/minilm", opts({ lock }));
    expect(e.message).toBe(`acme/minilm has no file vocab.txt at commit ${C1} on the Hugging Face Hub at ${hub.endpoint} (404 EntryNotFound)`);
  });

  test("500", async () => {
    hub.override = (_req, res) => (res.writeHead(500, "Internal Server Error").end(), true);
    const e = await fails("hf://acme/minilm", opts());
    expect(e).toMatchObject({ code: "io" });
    expect(e.message).toBe(`the Hugging Face Hub at ${hub.endpoint} answered HTTP 500 Internal Server Error for hf://acme/minilm: try again later, or set MESH_HF_ENDPOINT to a mirror`);
  });

  test("an unreachable endpoint fails at once with the one sentence", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const e = await fails("hf://acme/minilm", opts({ hfEndpoint: endpoint, timeoutMs: 30_000 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e).toMatchObject({ code: "unreachable" });
    expect(e.message).toMatch(
      new RegExp(
        `^cannot reach the Hugging Face Hub at ${endpoint.replace(/[.]/g, "\\.")} \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\): download the model folder and point model\\.source\\.uri at it with file://, or set MESH_HF_ENDPOINT to a mirror$`,
      ),
    );
  });

  test("offline: a DNS failure against the public Hub gives the sentence users see (no real network: fetch is injected)", async () => {
    const offline: typeof fetch = async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND huggingface.co"), { code: "ENOTFOUND" }) });
    };
    const o = opts({ fetch: offline });
    delete (o as { hfEndpoint?: string }).hfEndpoint;
    const e = await fails("hf://acme/minilm", o);
    expect(e.message).toBe(
      "cannot reach the Hugging Face Hub at https://huggingface.co (getaddrinfo ENOTFOUND huggingface.co): download the model folder and point model.source.uri at it with file://, or set MESH_HF_ENDPOINT to a mirror",
    );
  });

  test("a Hub that stops answering times out", async () => {
    hub.override = () => true; // never answers
    const started = Date.now();
    const e = await fails("hf://acme/minilm", opts({ timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e.message).toMatch(/^cannot reach the Hugging Face Hub at .* \(no answer within 200 ms\)/);
  });

  test("a connection cut mid-file leaves no entry behind, and the next resolve completes", async () => {
    const o = opts();
    hub.override = (req, res) => {
      if (!req.url?.endsWith("/vocab.txt")) return false;
      res.writeHead(200, { "content-length": "18" });
      res.write("[PAD]\n");
      setTimeout(() => res.destroy(), 20);
      return true;
    };
    await expect(resolveModelSource("hf://acme/minilm", o)).rejects.toMatchObject({ code: "unreachable" });
    expect(fs.readdirSync(path.join(o.cacheDir, "hf", "acme--minilm"))).toEqual([]);
    hub.override = undefined;
    const r = await resolveModelSource("hf://acme/minilm", o);
    expect(r.files.map((f) => f.path)).toEqual(SERVED);
  });

  test("a model over the download limit is refused before downloading", async () => {
    const e = await fails("hf://acme/minilm", opts({ maxBytes: 50 }));
    expect(e).toMatchObject({ code: "too-large" });
    expect(e.message).toMatch(/^hf:\/\/acme\/minilm is 1\d\d B, more than the download limit of 50 B \(maxBytes\)$/);
    expect(hubRequests().map((q) => q.url)).toEqual(["/api/models/acme/minilm/revision/main?blobs=true"]);
  });

  test("an endpoint that is not https is refused", async () => {
    await expect(resolveModelSource("hf://acme/minilm", opts({ hfEndpoint: "http://mirror.example.com" }))).rejects.toThrow(
      'the Hugging Face endpoint "http://mirror.example.com" (from the hfEndpoint option) is not an https:// URL',
    );
  });
});
