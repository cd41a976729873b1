/**
 * A Hugging Face Hub stand-in on 127.0.0.1 speaking the plain HTTP API mesh uses:
 *   GET /api/models/{repo}/revision/{rev}[?blobs=true] → { id, sha, siblings[{ rfilename, blobId, size, lfs? }] }
 *   GET /{repo}/resolve/{sha}/{path}                  → LFS files: 302 to a CDN on another origin;
 *                                                        others: 200, or 307 to a relative URL when asked
 * Unknown repositories answer like the Hub does (401 RepoNotFound without a token, 404 with
 * one), private ones need the bearer token, gated ones answer 403 GatedRepo. Every request
 * is recorded with its Authorization header, and `override` lets a test answer instead.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { sha256 } from "./workspace.js";

export interface FakeFile {
  readonly content: string | Uint8Array;
  /** Stored in LFS: the listing carries its sha256 and the download redirects to the CDN. */
  readonly lfs?: boolean;
}

export interface FakeRepo {
  /** Branch / tag name → commit sha. */
  refs: Record<string, string>;
  /** Commit sha → files. */
  commits: Record<string, Record<string, FakeFile>>;
  /** Needs `Authorization: Bearer <token>`. */
  private?: boolean;
  /** Answers 403 GatedRepo even with the token. */
  gated?: boolean;
  /** Non-LFS files answer 307 to a relative URL first (the Hub's resolve-cache). */
  relativeRedirects?: boolean;
}

export interface FakeRequest {
  readonly server: "hub" | "cdn";
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
}

export interface FakeHub {
  readonly endpoint: string;
  readonly cdn: string;
  readonly requests: FakeRequest[];
  repos: Record<string, FakeRepo>;
  /** Token the private repositories accept. */
  token: string;
  /** Answer a request yourself: return true when handled. */
  override: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean) | undefined;
  /** Bytes served in place of a file's real content (a tampering mirror): path → content. */
  tamper: Record<string, string>;
  stop(): Promise<void>;
}

const gitBlob = (data: Buffer) => createHash("sha1").update(`blob ${data.length}\0`).update(data).digest("hex");
const bytes = (c: string | Uint8Array) => Buffer.from(c);

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const requests: FakeRequest[] = [];
  const blobs = new Map<string, Buffer>(); // sha256 → bytes, for the CDN
  const cdnSide = await listen((req, res) => {
    requests.push({ server: "cdn", method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    const body = blobs.get((req.url ?? "").replace(/^\/blobs\//, "").split("?")[0] ?? "");
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { "content-length": body.length }).end(body);
  });

  const hub: FakeHub = {
    endpoint: "",
    cdn: cdnSide.base,
    requests,
    repos,
    token: "hf_secret_token",
    override: undefined,
    tamper: {},
    stop: async () => {
      for (const s of [hubSide.server, cdnSide.server]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };

  const deny = (res: http.ServerResponse, status: number, code: string) => res.writeHead(status, { "x-error-code": code, "content-type": "application/json" }).end(JSON.stringify({ error: code }));

  /** The repository a request may see, or an error already answered. */
  const access = (req: http.IncomingMessage, res: http.ServerResponse, id: string): FakeRepo | undefined => {
    const auth = req.headers.authorization;
    const authed = auth === `Bearer ${hub.token}`;
    const repo = hub.repos[id];
    if (auth && !authed) return void deny(res, 401, "InvalidCredentials");
    if (!repo || (repo.private && !authed)) return void deny(res, authed ? 404 : 401, "RepoNotFound");
    if (repo.gated) return void deny(res, authed ? 403 : 401, "GatedRepo");
    return repo;
  };

  const hubSide = await listen((req, res) => {
    const url = req.url ?? "";
    requests.push({ server: "hub", method: req.method ?? "", url, authorization: req.headers.authorization });
    if (hub.override?.(req, res)) return;
    const api = /^\/api\/models\/(.+)\/revision\/([^/?]+)(\?.*)?$/.exec(url);
    if (api) {
      const repo = access(req, res, api[1] ?? "");
      if (!repo) return;
      const rev = decodeURIComponent(api[2] ?? "");
      const sha = repo.refs[rev] ?? (repo.commits[rev] ? rev : undefined);
      if (!sha) return void deny(res, 404, "RevisionNotFound");
      const blobsWanted = (api[3] ?? "").includes("blobs=true");
      const siblings = Object.entries(repo.commits[sha] ?? {}).map(([rfilename, f]) => {
        const b = bytes(f.content);
        if (!blobsWanted) return { rfilename };
        return { rfilename, blobId: gitBlob(f.lfs ? Buffer.from(`pointer ${sha256(b)}`) : b), size: b.length, ...(f.lfs ? { lfs: { sha256: sha256(b), size: b.length, pointerSize: 134 } } : {}) };
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: api[1], sha, siblings }));
      return;
    }
    const cached = /^\/api\/resolve-cache\/(.+)$/.exec(url);
    const resolve = /^\/(.+?)\/resolve\/([0-9a-f]{40})\/(.+)$/.exec(cached ? `/${cached[1]}` : url);
    if (resolve) {
      const repo = access(req, res, resolve[1] ?? "");
      if (!repo) return;
      const files = repo.commits[resolve[2] ?? ""];
      if (!files) return void deny(res, 404, "RevisionNotFound");
      const rel = decodeURIComponent(resolve[3] ?? "");
      const file = files[rel];
      if (!file) return void deny(res, 404, "EntryNotFound");
      const body = bytes(hub.tamper[rel] ?? file.content);
      if (file.lfs) {
        blobs.set(sha256(bytes(file.content)), body);
        res.writeHead(302, { location: `${cdnSide.base}/blobs/${sha256(bytes(file.content))}?signature=x` }).end();
      } else if (repo.relativeRedirects && !cached) {
        res.writeHead(307, { location: `/api/resolve-cache${url}` }).end();
      } else {
        res.writeHead(200, { "content-length": body.length, "x-repo-commit": resolve[2] }).end(body);
      }
      return;
    }
    res.writeHead(404).end();
  });
  (hub as { endpoint: string }).endpoint = hubSide.base;
  return hub;
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const { server } = await listen(() => {});
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}
