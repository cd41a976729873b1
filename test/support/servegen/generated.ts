/**
 * Generates a project's serving code and client into a temporary folder inside the repo and
 * imports the generated JavaScript modules, so tests exercise exactly what `node main.js` runs.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ApiError, DecodeResult } from "../../../runtimes/serve/definition.js";
import type { ProjectIR } from "../../../compiler/ir.js";
import { generateProject } from "../../../generators/index.js";
import { generateClient } from "../../../generators/client/index.js";
import { generateOpenapi } from "../../../generators/openapi/index.js";
import { generateServing } from "../../../generators/serving/index.js";
import { writeTree } from "./fixtures.js";
import { canonicalJson, sha256Hex } from "../../../generators/support/canonical-json.js";

export type DecodeFn = (data: unknown, maxRows: number) => DecodeResult<{ rows: Record<string, unknown>[]; parameters: Record<string, unknown> }>;

/** Only servegen's own generators (the tree of others may be mid-change). */
export function servegenFiles(ir: ProjectIR) {
  return [...generateServing(ir), ...generateOpenapi(ir), ...generateClient(ir)];
}

const cache = new Map<string, ReturnType<typeof servegenFiles>>();

/** Generated files of an IR, memoized by the IR's content (generation is pure). */
export function cachedFiles(ir: ProjectIR) {
  const key = sha256Hex(canonicalJson(ir));
  let files = cache.get(key);
  if (!files) {
    files = servegenFiles(ir);
    cache.set(key, files);
  }
  return files;
}

export function writeGenerated(ir: ProjectIR): string {
  return writeTree(cachedFiles(ir), ir.name);
}

export async function loadDecode(ir: ProjectIR): Promise<DecodeFn> {
  const dir = writeGenerated(ir);
  const mod = (await import(pathToFileURL(join(dir, "serve", "decode.js")).href)) as { decode: DecodeFn };
  return mod.decode;
}

/** The errors of a failed decode (fails the test when decoding succeeded). */
export function errorsOf(result: ReturnType<DecodeFn>): readonly ApiError[] {
  if (result.ok) throw new Error("expected the decoder to refuse the input");
  return result.errors;
}

export { generateProject };
