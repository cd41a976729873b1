/**
 * `mesh dev NAME`: serve a project and reload it on every change, without a failed request.
 *
 * The session owns a front proxy on the user's port (`front-proxy.ts`); the generated server
 * runs as a child on an ephemeral loopback port behind it. On a settled burst of changes it
 *   1. compiles the spec (the same validation as `mesh validate`): on errors it prints the
 *      diagnostics (file:line:col) and keeps serving the last good version;
 *   2. starts a new child through `serveProject` — the normal generate path, the normal model
 *      pick — and waits for its ready line (warm-up inference passed) and a 200 from /ready;
 *   3. switches the proxy to it, waits for the old child's in-flight requests to finish and
 *      stops it with SIGTERM (its own drain), by the PID `serveProject` started.
 * One line per reload: what changed, how long it took, which version serves.
 */
import { existsSync } from "node:fs";
import { get as httpGet } from "node:http";
import { basename, dirname, join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import type { ProjectIR } from "../ir.js";
import { nodeHost } from "../host.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { compileProject } from "../pipeline.js";
import { DEFAULTS } from "../lower/defaults.js";
import { serveProject } from "../serve/serve-project.js";
import { startFrontProxy, upstreamOf, type FrontProxy, type Upstream } from "./front-proxy.js";
import { SpareServer } from "./spare.js";
import { watchTargets, type WatchTarget } from "./watch.js";

export interface DevOptions {
  readonly root: string;
  readonly cwd: string;
  readonly name: string;
  readonly port?: number;
  readonly host?: string;
  readonly model?: string;
  readonly registry?: string;
  /** Messages (reload lines, diagnostics); default stderr. */
  readonly err?: NodeJS.WritableStream;
  /** The servers' logs; default stdout. */
  readonly out?: NodeJS.WritableStream;
  readonly debounceMs?: number;
  /** false: every reload cold-starts its server (no warm spare; bench/dev compares the two). */
  readonly spare?: boolean;
  /** Every child logs one line per request (MESH_ACCESS_LOG=1, unless the user set it). */
  readonly accessLog?: boolean;
  /** Aborting stops the session: every child drains and exits, the port is released. */
  readonly signal?: AbortSignal;
}

interface Child {
  readonly upstream: Upstream;
  readonly label: string;
  readonly stop: () => Promise<number>;
}

type Started = { readonly ok: true; readonly child: Child } | { readonly ok: false; readonly message: string };

export async function runDev(opts: DevOptions): Promise<number> {
  const err = opts.err ?? process.stderr;
  const say = (line: string) => err.write(`mesh dev: ${line}\n`);
  const host = nodeHost(opts.root);
  // Listen for the stop first: a Ctrl-C during the first start must stop the session too.
  const stopRequested = new Promise<void>((resolveStop) => {
    if (opts.signal?.aborted) return resolveStop();
    opts.signal?.addEventListener("abort", () => resolveStop(), { once: true });
    if (!opts.signal) {
      const onSignal = () => resolveStop();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
    }
  });
  let stopping = false;
  void stopRequested.then(() => (stopping = true));
  const registry = () => opts.registry ?? process.env["MESH_REGISTRY"];

  const compiled = await compileProject(host, opts.name);
  let ir: ProjectIR | undefined = compiled.value;
  if (!ir) {
    err.write(`${formatDiagnostics(compiled.diagnostics)}\n`);
    // Without a spec there is nothing to watch by name; the project must at least exist.
    if (!existsSync(join(opts.root, "projects", opts.name))) return 1;
  }

  let proxy: FrontProxy;
  try {
    proxy = await startFrontProxy({ host: opts.host ?? "127.0.0.1", port: opts.port ?? ir?.serve.hostPort ?? DEFAULTS.serve.port });
  } catch (e) {
    say(`cannot listen: ${(e as Error).message}`);
    return 1;
  }
  const children = new Set<Child>();
  // A warm server process for the next reload: its Node start and runtime load happen between saves.
  const spare = new SpareServer(opts.root);
  let current: Child | undefined;
  // Reloads run one at a time; changes arriving during one are collected for the next.
  let pending: { labels: Set<string>; paths: Set<string>; t0: number } | undefined;
  let reloading: Promise<void> | undefined;
  const schedule = (labels: readonly string[], paths: readonly string[]) => {
    pending ??= { labels: new Set(), paths: new Set(), t0: performance.now() };
    for (const l of labels) pending.labels.add(l);
    for (const p of paths) pending.paths.add(p);
    reloading ??= reload().finally(() => (reloading = undefined));
  };

  const startChild = async (forIr: ProjectIR): Promise<Started> => {
    const abort = new AbortController();
    const messages = new PassThrough();
    let text = "";
    messages.on("data", (c: Buffer) => (text += c.toString("utf8")));
    let exited = false;
    return new Promise<Started>((settle) => {
      const done = serveProject({
        root: opts.root,
        cwd: opts.cwd,
        ir: forIr,
        port: 0,
        host: "127.0.0.1",
        ...(opts.model !== undefined ? { model: opts.model } : {}),
        ...(registry() !== undefined ? { registry: registry()! } : {}),
        err: messages,
        out: opts.out ?? process.stdout,
        ...(opts.accessLog !== undefined ? { accessLog: opts.accessLog } : {}),
        ...(opts.spare !== false ? { launch: spare.launch } : {}),
        signal: abort.signal,
        onReady: ({ url, label }) => {
          const upstream = upstreamOf(url);
          const child: Child = { upstream, label, stop: () => (abort.abort(), done) };
          children.add(child);
          void done.then((code) => {
            children.delete(child);
            // The serving child died on its own (a crash, OOM kill): say so and start a new one.
            if (current === child && !stopping) {
              say(`the server serving ${child.label} exited (${code}); starting it again`);
              schedule(["server exit"], []);
            }
          });
          void confirmReady(url, forIr.serve.api.basePath).then((ok) => {
            if (ok) return settle({ ok: true, child });
            void child.stop();
            settle({ ok: false, message: `${label} did not answer ${forIr.serve.api.basePath}/ready` });
          });
        },
      });
      void done.then((code) => {
        exited = true;
        settle({ ok: false, message: `the server exited (${code}) before it was ready:\n${text.trim()}` });
      });
      void stopRequested.then(() => !exited && abort.abort());
    });
  };

  const swapTo = async (child: Child) => {
    const old = current;
    current = child;
    proxy.switchTo(child.upstream);
    if (old) {
      await proxy.drained(old.upstream);
      await old.stop();
    }
    if (!stopping) spare.warm();
  };

  const origin = proxy.url;
  if (ir) {
    const t0 = performance.now();
    const first = await startChild(ir);
    if (first.ok) {
      await swapTo(first.child);
      say(`serving ${ir.name} with ${first.child.label} at ${origin}${ir.serve.api.basePath}/predict (${ms(t0)}); watching for changes, Ctrl-C stops`);
    } else say(`${first.message}\nmesh dev: listening on ${origin}; fix it and save to retry`);
  } else say(`listening on ${origin}; nothing served until the spec is valid`);

  async function reload(): Promise<void> {
    while (pending && !stopping) {
      const { labels, paths, t0 } = pending;
      pending = undefined;
      const what = [...paths].join(", ") || [...labels].join(", ");
      // The spare loaded the runtime as it was; a changed runtime needs a cold start.
      if (labels.has("runtime")) spare.discard();
      const result = await compileProject(host, opts.name);
      if (!result.value) {
        err.write(`${formatDiagnostics(result.diagnostics)}\n`);
        say(`${what} changed: invalid, ${current ? `still serving ${current.label}` : "nothing served"} (${ms(t0)})`);
        continue;
      }
      const nextIr = result.value;
      const validated = ms(t0);
      const t1 = performance.now();
      const started = await startChild(nextIr);
      if (stopping) {
        if (started.ok) await started.child.stop();
        return;
      }
      if (!started.ok) {
        say(`${what} changed: ${started.message}\nmesh dev: ${current ? `still serving ${current.label}` : "nothing served"} (${ms(t0)})`);
        continue;
      }
      ir = nextIr;
      await swapTo(started.child);
      say(`${what} changed: reloaded in ${ms(t0)} (validated in ${validated}, generated and ready in ${ms(t1)}), serving ${started.child.label}`);
    }
  }

  const watcher = watchTargets(opts.root, watchList(opts, ir), opts.debounceMs ?? DEFAULTS.dev.debounceMs, ({ labels, paths }) => schedule(labels, paths));

  await stopRequested;
  watcher.close();
  await reloading;
  spare.discard();
  await proxy.close();
  const codes = await Promise.all([...children].map((c) => c.stop()));
  say(`stopped`);
  return codes.every((c) => c === 0) ? 0 : 1;
}

/** The project folder (spec and an App's model file), mesh.yaml, the registry's folder for the project, and the built runtime. */
function watchList(opts: DevOptions, ir: ProjectIR | undefined): WatchTarget[] {
  const specDir = ir ? resolve(opts.root, dirname(ir.specPath)) : join(opts.root, "projects", opts.name);
  const targets: WatchTarget[] = [
    { label: "spec", dir: specDir },
    { label: "mesh.yaml", dir: opts.root, files: ["mesh.yaml"] },
    { label: "runtime", dir: join(opts.root, "dist", "runtimes"), recursive: true },
  ];
  // The model file only: its folder may hold anything (a workspace, other models) that changes.
  if (opts.model !== undefined) targets.push({ label: "model", dir: dirname(resolve(opts.cwd, opts.model)), files: [basename(opts.model)] });
  // A flag or MESH_REGISTRY is relative to where mesh was started; the spec's registry to the workspace.
  const given = opts.registry ?? process.env["MESH_REGISTRY"];
  const uri = given ?? ir?.registry;
  if (uri?.startsWith("file://")) {
    const registryDir = resolve(given !== undefined ? opts.cwd : opts.root, uri.slice("file://".length));
    // The project's folder may not exist before its first version: then watch the registry root.
    const projectDir = join(registryDir, opts.name);
    targets.push({ label: "registry", dir: existsSync(projectDir) ? projectDir : registryDir, recursive: true });
  }
  return targets;
}

/** One GET of /ready on its own connection (none left open on a child that will drain). */
function confirmReady(url: string, basePath: string): Promise<boolean> {
  return new Promise((settle) => {
    const req = httpGet(`${url}${basePath}/ready`, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => settle(res.statusCode === 200));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => settle(false));
  });
}

const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`;
