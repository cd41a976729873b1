/**
 * The listener `mesh dev` owns for the whole session: it keeps the user's port while the
 * generated server behind it is replaced. Each request is forwarded to the current child
 * (a loopback ephemeral port) over its own upstream connection, and counted against that
 * child; `switchTo` makes a new child current atomically — requests already forwarded finish
 * on the old one — and `drained(upstream)` resolves once the old child has answered its last
 * request, so it can be stopped (SIGTERM drain) without failing anything.
 *
 * Why an HTTP proxy rather than handing the socket to the children: a handed-over socket is
 * shared by two accepting servers during a swap, and a keep-alive client whose connection
 * sits on the old child sees it closed under a request it already sent. Here the client's
 * connection belongs to the proxy and never breaks; upstream connections are not reused, so
 * the old child has nothing open once its in-flight count is zero. The cost — one loopback
 * hop — is paid in development only.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Upstream {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  inFlight: number;
  idle: (() => void)[];
}

export function upstreamOf(url: string): Upstream {
  const u = new URL(url);
  return { url, host: u.hostname, port: Number(u.port), inFlight: 0, idle: [] };
}

export interface FrontProxy {
  readonly server: Server;
  /** The address the proxy listens on (`http://host:port`). */
  readonly url: string;
  current(): Upstream | undefined;
  switchTo(next: Upstream): Upstream | undefined;
  drained(upstream: Upstream): Promise<void>;
  close(): Promise<void>;
}

/** Bounds for what the proxy itself holds; the child enforces the API's own limits. */
const LIMITS = { maxConnections: 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000 };

function refuse(res: ServerResponse, status: number, code: string, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ status: String(status), code, detail }] });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "retry-after": "1" });
  res.end(body);
}

function release(up: Upstream): void {
  up.inFlight--;
  if (up.inFlight === 0) for (const resolve of up.idle.splice(0)) resolve();
}

function forward(up: Upstream, req: IncomingMessage, res: ServerResponse): void {
  up.inFlight++;
  let released = false;
  const done = () => {
    if (!released) {
      released = true;
      release(up);
    }
  };
  const headers = { ...req.headers, connection: "close" };
  const upstreamReq = httpRequest({ host: up.host, port: up.port, method: req.method, path: req.url, headers, agent: false }, (upstreamRes) => {
    const outHeaders = { ...upstreamRes.headers };
    delete outHeaders["connection"];
    delete outHeaders["keep-alive"];
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, outHeaders);
    upstreamRes.pipe(res);
    upstreamRes.on("end", done);
    upstreamRes.on("error", () => (done(), res.destroy()));
  });
  upstreamReq.on("error", (err) => {
    done();
    refuse(res, 502, "upstream_unavailable", `the development server is not answering (${(err as NodeJS.ErrnoException).code ?? err.message})`);
  });
  res.on("close", () => {
    if (!res.writableFinished) upstreamReq.destroy();
    done();
  });
  req.pipe(upstreamReq);
}

export async function startFrontProxy(opts: { readonly host: string; readonly port: number }): Promise<FrontProxy> {
  let current: Upstream | undefined;
  const server = createServer({ headersTimeout: LIMITS.headersTimeoutMs, requestTimeout: LIMITS.requestTimeoutMs, keepAliveTimeout: LIMITS.keepAliveTimeoutMs }, (req, res) => {
    const up = current;
    if (!up) return refuse(res, 503, "no_valid_version", "mesh dev has no valid version of the project to serve yet; see its output");
    forward(up, req, res);
  });
  server.maxConnections = LIMITS.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => (server.off("error", reject), resolve()));
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    current: () => current,
    switchTo(next) {
      const previous = current;
      current = next;
      return previous;
    },
    drained: (up) => (up.inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => up.idle.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
