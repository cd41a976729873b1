/**
 * The torch engine: a `ModelSession` over a traced transformer folder (model.pt +
 * compilation.json, what the neuron and cpu compile targets register). The model runs in a
 * Python child process, sidecar.py (runtimes/neuron/transformer), because torch-neuronx exists
 * only for Python; everything else — HTTP, tokenization, batching, the task's answer — stays in
 * this Node server, so the Neuron server answers exactly like the ONNX one. Batches go to the
 * sidecar as raw int64 ids over HTTP on a private Unix socket; it pads them to the traced
 * [batch_size, max_length], and the answer comes back cut to the batch that was sent.
 *
 * The child is started with $PYTHON (else /usr/bin/python3), must announce readiness within
 * `startTimeoutMs`, has each call bounded by `callTimeoutMs`, and ends with the session: on
 * release (SIGTERM, then SIGKILL after a grace period) or when this process dies (it exits when
 * its stdin closes). A child that dies while serving fails every later call with its reason.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolvePython } from "../neuron/python-env.js";
import { isTracedFolder } from "../neuron/transformer/folder.js";
import { programPath } from "../neuron/transformer/scripts.js";
import type { Logger } from "./logger.js";
import type { Feeds, ModelSession, Outputs, TensorMeta } from "./session.js";

/** Which runtime runs a model. */
export type Engine = "onnxruntime" | "torch";

/**
 * `auto`: torch for a model.pt (or a folder with model.pt and no ONNX graph), else onnxruntime.
 * A path that does not exist yet is judged by its folder (registry downloads name model.onnx).
 */
export function resolveEngine(path: string, requested: Engine | "auto" = "auto"): Engine {
  if (requested !== "auto") return requested;
  if (path.endsWith(".pt")) return "torch";
  if (path.endsWith(".onnx") && existsSync(path)) return "onnxruntime";
  const dir = path.endsWith(".onnx") ? join(path, "..") : path;
  return existsSync(dir) && isTracedFolder(dir) ? "torch" : "onnxruntime";
}

export interface TorchSessionOptions {
  /** The interpreter; default $PYTHON, else /usr/bin/python3, else python3. */
  readonly python?: string;
  /** sidecar.py to run; default the library's own copy. */
  readonly sidecar?: string;
  /** torch intra-op threads (0: torch's choice). */
  readonly intraOpThreads?: number;
  /** Loading and warming up the model (a Neuron model is loaded onto its core here). */
  readonly startTimeoutMs?: number;
  /** One model call. */
  readonly callTimeoutMs?: number;
  /** After SIGTERM on release, before SIGKILL. */
  readonly stopGraceMs?: number;
  readonly log?: Logger;
}

/** What the sidecar says about the traced model when it is ready. */
export interface TorchModelInfo {
  readonly inputs: readonly string[];
  readonly output: string;
  readonly output_shape: readonly number[];
  readonly batch_size: number;
  readonly max_length: number;
  readonly dynamic_batch: boolean;
  readonly neuron: boolean;
  readonly target: string;
  readonly torch: string;
  readonly pid: number;
}

export interface TorchSession extends ModelSession {
  readonly info: TorchModelInfo;
}

export class TorchSessionError extends Error {
  override readonly name = "TorchSessionError";
}

const DEFAULTS = { startTimeoutMs: 300_000, callTimeoutMs: 60_000, stopGraceMs: 5_000 };

/** The last few lines a child wrote to stderr: its one-sentence reason is the last one. */
class Tail {
  readonly #lines: string[] = [];
  #partial = "";
  push(chunk: string, onLine?: (line: string) => void): void {
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    for (const raw of parts) {
      const line = raw.trim();
      if (!line) continue;
      this.#lines.push(line);
      if (this.#lines.length > 20) this.#lines.shift();
      onLine?.(line);
    }
  }
  last(): string {
    return this.#partial.trim() || this.#lines.at(-1) || "";
  }
}

function sidecarReason(python: string, code: number | null, signal: NodeJS.Signals | null, tail: Tail, when: string): string {
  const how = code !== null ? `exited with code ${code}` : `was killed by ${signal ?? "a signal"}`;
  const why = tail.last().replace(/^sidecar\.py: /, "");
  return `the torch sidecar (${python}) ${how}${when}${why ? `: ${why}` : ""}`;
}

/** Starts sidecar.py on `dir` and resolves once it has loaded the model and answered a warm-up batch. */
export async function openTorchSession(dir: string, opts: TorchSessionOptions = {}): Promise<TorchSession> {
  const python = opts.python ?? resolvePython();
  const script = opts.sidecar || programPath("sidecar.py");
  const startTimeoutMs = opts.startTimeoutMs ?? DEFAULTS.startTimeoutMs;
  const callTimeoutMs = opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs;
  const stopGraceMs = opts.stopGraceMs ?? DEFAULTS.stopGraceMs;
  if (!existsSync(script)) throw new TorchSessionError(`the torch sidecar ${script} does not exist (MESH_TORCH_SIDECAR)`);
  // A private folder (mode 0700) for the socket: no other user can connect to the model.
  const sockDir = mkdtempSync(join(tmpdir(), "mesh-torch-"));
  const socketPath = join(sockDir, "model.sock");
  const args = [script, "--model-dir", dir, "--socket", socketPath, "--threads", String(opts.intraOpThreads ?? 0), "--exit-with-stdin"];
  const child: ChildProcess = spawn(python, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1", PYTHONNOUSERSITE: "1" },
  });
  const tail = new Tail();
  let exited: string | undefined;
  let ready = false;
  let released: Promise<void> | undefined;
  const cleanup = () => {
    process.off("exit", cleanup);
    rmSync(sockDir, { recursive: true, force: true });
  };
  // A server that exits while the model loads (process.exit on a failed start) leaves no folder behind.
  process.once("exit", cleanup);

  const info = await new Promise<TorchModelInfo>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new TorchSessionError(`the torch sidecar did not load ${dir} within ${Math.round(startTimeoutMs / 1000)} s${tail.last() ? ` (last message: ${tail.last()})` : ""}`));
    }, startTimeoutMs);
    child.stderr!.setEncoding("utf8").on("data", (d: string) => tail.push(d, ready ? (line) => opts.log?.warn({ sidecar: line }, "torch sidecar") : undefined));
    // Libraries may print to stdout before the ready line; only a JSON line {"ready": true} counts.
    // After it, stdout is still read (and dropped) so the child can never block on a full pipe.
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      if (ready) return;
      out += d;
      let nl;
      while (!ready && (nl = out.indexOf("\n")) >= 0) {
        const text = out.slice(0, nl).trim();
        out = out.slice(nl + 1);
        let line: (TorchModelInfo & { ready?: unknown }) | undefined;
        try {
          line = JSON.parse(text) as TorchModelInfo & { ready?: unknown };
        } catch {
          line = undefined;
        }
        if (line?.ready !== true) {
          if (text) opts.log?.debug({ sidecar: text }, "torch sidecar output");
          continue;
        }
        ready = true;
        out = "";
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new TorchSessionError(err.code === "ENOENT" ? `the Python interpreter ${python} was not found; set PYTHON to one that has torch` : `the torch sidecar could not start: ${err.message}`));
    });
    child.on("exit", (code, signal) => {
      exited = sidecarReason(python, code, signal, tail, ready ? "" : " before it was ready");
      cleanup();
      clearTimeout(timer);
      if (!ready) reject(new TorchSessionError(exited));
      else if (!released) opts.log?.error({ reason: exited }, "the torch sidecar exited; model calls fail from now on");
    });
  }).catch((err: unknown) => {
    cleanup();
    throw err;
  });
  // Its stdin is a pipe held open by this process only: it closes, and the sidecar exits, when we die.
  child.stdin!.on("error", () => undefined);

  // One connection: the sidecar runs one batch at a time anyway, and the batcher sends one at a time.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // Callers see free batch and sequence dimensions: the sidecar pads every batch to the traced shape.
  const inputs: TensorMeta[] = info.inputs.map((name) => ({ name, datatype: "INT64", shape: [-1, -1] }));
  const outputShape = info.output_shape.map((d, i) => (i === 0 || (i === 1 && info.output_shape.length === 3) ? -1 : d));
  const outputs: TensorMeta[] = [{ name: info.output, datatype: "FP32", shape: outputShape }];

  const run = (feeds: Feeds): Promise<Outputs> => {
    if (exited) return Promise.reject(new TorchSessionError(exited));
    if (released) return Promise.reject(new TorchSessionError("the torch session was released"));
    const ids = feeds["input_ids"];
    if (!ids || ids.dims.length !== 2) return Promise.reject(new TorchSessionError("the torch session needs input_ids [rows, length]"));
    const [rows = 0, length = 0] = ids.dims;
    const parts: Buffer[] = [];
    for (const name of info.inputs) {
      const t = feeds[name];
      if (!t) return Promise.reject(new TorchSessionError(`the traced model takes ${name}, which the batch lacks`));
      if (t.type !== "int64" || t.dims[0] !== rows || t.dims[1] !== length) return Promise.reject(new TorchSessionError(`${name} must be int64 [${rows}, ${length}] like input_ids`));
      const data = t.data as BigInt64Array;
      parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }
    const body = Buffer.concat(parts);
    return new Promise<Outputs>((resolve, reject) => {
      const req = request(
        {
          socketPath,
          agent,
          method: "POST",
          path: "/run",
          headers: { "content-type": "application/octet-stream", "content-length": body.length, "x-mesh-rows": rows, "x-mesh-length": length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const all = Buffer.concat(chunks);
            if (res.statusCode !== 200) {
              let why = all.toString("utf8").slice(0, 300);
              try {
                why = (JSON.parse(why) as { error?: string }).error ?? why;
              } catch {
                // not JSON: quoted as it came
              }
              return reject(new TorchSessionError(`the torch sidecar refused the batch (${res.statusCode}): ${why}`));
            }
            const dims = String(res.headers["x-mesh-dims"] ?? "")
              .split(",")
              .map(Number);
            const count = dims.reduce((a, b) => a * b, 1);
            if (dims.some((d) => !Number.isInteger(d) || d < 0) || count * 4 !== all.length || dims[0] !== rows) {
              return reject(new TorchSessionError(`the torch sidecar answered ${all.length} bytes with dims ${JSON.stringify(res.headers["x-mesh-dims"])} for ${rows} rows`));
            }
            // Copied into its own buffer: a Float32Array needs 4-byte alignment, a socket chunk has none.
            const data = new Float32Array(count);
            Buffer.from(data.buffer).set(all);
            resolve({ [info.output]: { data, dims } });
          });
        },
      );
      req.setTimeout(callTimeoutMs, () => req.destroy(new TorchSessionError(`the torch sidecar did not answer a [${rows}, ${length}] batch within ${callTimeoutMs} ms`)));
      req.on("error", (err) => reject(exited ? new TorchSessionError(exited) : err instanceof TorchSessionError ? err : new TorchSessionError(`the torch sidecar connection failed: ${err.message}`)));
      req.end(body);
    });
  };

  const release = () =>
    (released ??= (async () => {
      agent.destroy();
      if (!exited) {
        const gone = new Promise<void>((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), stopGraceMs);
        await gone;
        clearTimeout(timer);
      }
      cleanup();
    })());

  return { inputs, outputs, info: { ...info, pid: child.pid ?? info.pid }, run, release };
}
