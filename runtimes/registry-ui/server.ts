/**
 * The registry browser's HTTP server: a read-only page (static assets shipped in the package,
 * chart.js from its own npm package — no CDN) and the JSON API the page fetches (`/api/…`,
 * views.ts). Only GET and HEAD; a strict Content-Security-Policy (scripts, styles, fetches from
 * this origin only; no inline code), `nosniff`, no caching of API answers, bounded answers,
 * and a Host check so a web page elsewhere cannot read the registry through DNS rebinding.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RegistryError } from "../registry/errors.js";
import type { MeshRegistry } from "../registry/types.js";
import { createViews, PAGE_DEFAULT, PAGE_MAX, type Page, type Views } from "./views.js";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Largest JSON answer; a bigger one is a bug in a bound above, answered as 500. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

function loadAssets(): Map<string, Asset> {
  const here = dirname(fileURLToPath(import.meta.url));
  const staticDir = join(here, "static");
  const chartDir = dirname(createRequire(import.meta.url).resolve("chart.js"));
  const read = (p: string) => readFileSync(p);
  return new Map<string, Asset>([
    ["/", { type: "text/html; charset=utf-8", body: read(join(staticDir, "index.html")) }],
    ["/assets/app.js", { type: "text/javascript; charset=utf-8", body: read(join(staticDir, "app.js")) }],
    ["/assets/app.css", { type: "text/css; charset=utf-8", body: read(join(staticDir, "app.css")) }],
    ["/assets/favicon.svg", { type: "image/svg+xml", body: read(join(staticDir, "favicon.svg")) }],
    ["/assets/chart.umd.min.js", { type: "text/javascript; charset=utf-8", body: read(join(chartDir, "chart.umd.min.js")) }],
  ]);
}

export interface UiServerOptions {
  readonly host: string;
  readonly port: number;
}

export interface UiServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function pageParams(q: URLSearchParams): Page {
  const int = (name: string, def: number, min: number, max: number) => {
    const raw = q.get(name);
    if (raw === null || raw === "") return def;
    if (!/^[0-9]{1,9}$/.test(raw)) throw new HttpError(400, `${name} must be a whole number`);
    const n = Number(raw);
    if (n < min || n > max) throw new HttpError(400, `${name} must be from ${min} to ${max}`);
    return n;
  };
  return { offset: int("offset", 0, 0, 1e9), limit: int("limit", PAGE_DEFAULT, 1, PAGE_MAX) };
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function segments(pathname: string): string[] {
  const parts = pathname.split("/").slice(1);
  return parts.map((p) => {
    let s: string;
    try {
      s = decodeURIComponent(p);
    } catch {
      throw new HttpError(400, "malformed path");
    }
    if (!SEGMENT.test(s)) throw new HttpError(404, "no such route");
    return s;
  });
}

/** Routes /api/… to a view. */
async function api(views: Views, pathname: string, q: URLSearchParams): Promise<unknown> {
  const s = segments(pathname).slice(1); // drop "api"
  const [root, project, kind, name, extra] = s;
  if (root !== "projects") throw new HttpError(404, "no such route");
  if (project === undefined) return views.projects(pageParams(q));
  if (kind === undefined) return views.project(project);
  if (kind === "aliases" && name === undefined) return views.aliases(project);
  if (kind === "compare" && name === undefined) {
    const a = q.get("a");
    const b = q.get("b");
    if (!a || !b) throw new HttpError(400, "compare needs ?a=ID&b=ID");
    return views.compare(project, a, b);
  }
  if (kind === "models" && name !== undefined && extra === "versions" && s.length === 5) return views.modelVersions(project, name, pageParams(q));
  if (kind === "versions" && name !== undefined && s.length === 4) return views.model(project, name);
  if (kind === "datasets" && name !== undefined && extra === "versions" && s.length === 5) return views.datasetVersions(project, name, pageParams(q));
  if (kind === "datasets" && name !== undefined && extra !== undefined && s.length === 5) {
    if (!/^[1-9][0-9]{0,8}$/.test(extra)) throw new HttpError(400, "a dataset version is a positive whole number");
    return views.dataset(project, name, Number(extra));
  }
  throw new HttpError(404, "no such route");
}

function send(res: ServerResponse, status: number, type: string, body: Buffer, head: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": String(body.length),
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
    ...extra,
  });
  res.end(head ? undefined : body);
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8");

export async function startUiServer(registry: MeshRegistry, options: UiServerOptions): Promise<UiServer> {
  const assets = loadAssets();
  const views = createViews(registry);
  // Set once listening (the port may be ephemeral). Bound to every interface on request, any
  // Host is legitimate; on loopback only the names of this very server are.
  let hostAllowed: (host: string) => boolean = () => false;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      send(res, 405, "application/json", json({ error: "this page is read-only: only GET and HEAD" }), false, { allow: "GET, HEAD" });
      return;
    }
    if (!hostAllowed((req.headers.host ?? "").toLowerCase())) {
      send(res, 421, "application/json", json({ error: "unexpected Host header" }), head);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      send(res, 400, "application/json", json({ error: "malformed URL" }), head);
      return;
    }
    const asset = assets.get(url.pathname);
    if (asset) {
      send(res, 200, asset.type, asset.body, head, { "cache-control": "no-cache" });
      return;
    }
    if (!url.pathname.startsWith("/api/") && url.pathname !== "/api") {
      send(res, 404, "application/json", json({ error: "not found" }), head);
      return;
    }
    try {
      const body = json(await api(views, url.pathname, url.searchParams));
      if (body.length > MAX_ANSWER_BYTES) throw new HttpError(500, "answer too large");
      send(res, 200, "application/json; charset=utf-8", body, head);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof RegistryError ? (err.code === "not-found" ? 404 : err.code === "invalid" ? 400 : 502) : 500;
      const message = err instanceof HttpError || err instanceof RegistryError ? err.message : "internal error";
      if (status === 500) process.stderr.write(`mesh registry ui: ${(err as Error)?.stack ?? String(err)}\n`);
      send(res, status, "application/json; charset=utf-8", json({ error: message }), head);
    }
  }

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, maxHeaderSize: 16 * 1024 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "application/json", json({ error: "internal error" }), false);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const hostForUrl = options.host.includes(":") ? `[${options.host}]` : options.host;
  const names = new Set([`${hostForUrl}:${port}`.toLowerCase(), `localhost:${port}`]);
  hostAllowed = options.host === "0.0.0.0" || options.host === "::" ? () => true : (host) => names.has(host);
  return {
    server,
    url: `http://${hostForUrl}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
