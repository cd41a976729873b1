/**
 * Test helpers for the serve suite: write a tiny ONNX model to a temp dir, start a server
 * over a fixture definition on 127.0.0.1 with an ephemeral port, and talk to it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { Writable } from "node:stream";
import { pino } from "pino";
import { buildDenseModel } from "../onnx-models.js";
import { loadConfig, type ServeConfig } from "../../../runtimes/serve/config.js";
import { startServer, type ServerHandle, type StartOptions } from "../../../runtimes/serve/server.js";
import type { ServeDefaults, ServiceDefinition } from "../../../runtimes/serve/definition.js";
import { textDefinition, TEXT_DIMS } from "./fixtures/text-definition.js";
import { tabularDefinition } from "./fixtures/tabular-definition.js";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mesh-serve-test-"));
}

export function writeModel(dir: string, sizes: number[], inputName: string, file = "model.onnx"): string {
  const path = join(dir, file);
  writeFileSync(path, buildDenseModel({ sizes, inputName, outputName: "probabilities" }));
  return path;
}

export const textModel = (dir: string) => writeModel(dir, [TEXT_DIMS, 2], "features");
export const tabularModel = (dir: string) => writeModel(dir, [4, 8, 3], "x");

export function testConfig(defaults: ServeDefaults): ServeConfig {
  const r = loadConfig({}, { host: "127.0.0.1", port: 0, logLevel: "silent", ...defaults });
  if (!r.ok) throw new Error(r.message);
  return r.config;
}

/** A logger whose lines land in `lines` (JSON-parsed). */
export function memoryLogger(level = "info") {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split("\n")) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level }, dest), lines };
}

export async function startFixture(kind: "text" | "tabular", defaults: ServeDefaults = {}, options: StartOptions = {}): Promise<ServerHandle> {
  const dir = tempDir();
  const definition: ServiceDefinition = (kind === "text" ? textDefinition() : tabularDefinition()) as ServiceDefinition;
  const modelPath = kind === "text" ? textModel(dir) : tabularModel(dir);
  const handle = await startServer(definition, testConfig({ modelPath, ...defaults }), { logger: memoryLogger().logger, ...options });
  if (!options.beforeReady) await handle.ready;
  return handle;
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): any;
}

/** One HTTP request on a fresh connection (no agent pooling surprises). */
export function call(url: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method, headers: { connection: "close", ...(body !== undefined && !headers["content-type"] ? { "content-type": "application/json" } : {}), ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

export const postJson = (url: string, path: string, value: unknown, headers?: Record<string, string>) => call(url, "POST", path, JSON.stringify(value), headers);
