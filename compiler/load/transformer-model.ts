/**
 * A transformer spec names a model folder by `model.source.uri`; `mesh lock` resolves it and
 * writes `model.lock.json` beside the spec: every file pinned by sha256, plus the facts mesh
 * needs (labels, tensors, vocabulary, positions). Validation reads only the lock — so an
 * `hf://` or `s3://` source validates offline — and, for a folder in the workspace, checks
 * that the files on disk are still the locked ones. Every problem points at the spec field.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { Host } from "../host.js";
import type { Diagnostic, Result } from "../diagnostics/diagnostic.js";
import { createDiagnostic } from "../diagnostics/registry.js";
import type { ProjectSpec } from "../../schemas/project.js";
import type { TransformerTask } from "../../runtimes/transformers/task-api.js";
import type { LockedTransformer } from "../lower/lower.js";
import { parseLock } from "../../runtimes/models/lock.js";
import type { TransformerFacts } from "../../runtimes/transformers/inspect.js";
import { checkTaskSignature } from "../../runtimes/transformers/task-signature.js";
import type { LoadedYaml } from "./load-yaml.js";
import { locate } from "./locate.js";

export const LOCK_FILE = "model.lock.json";

/** Folders up to this size are re-hashed at every validate; bigger ones are checked by size (the trainer hashes them all). */
const HASH_AT_VALIDATE_BYTES = 64 * 1024 * 1024;

export function lockFileOf(specPath: string): string {
  return path.posix.join(path.posix.dirname(specPath), LOCK_FILE);
}

/** The facts recorded by `mesh lock`; undefined when the lock lacks them or they are malformed. */
function factsOf(raw: unknown): TransformerFacts | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const f = raw as Partial<TransformerFacts>;
  const ok =
    typeof f.modelFile === "string" &&
    Array.isArray(f.labels) &&
    Array.isArray(f.inputs) &&
    Array.isArray(f.outputs) &&
    typeof f.vocabSize === "number" &&
    typeof f.tokenizerVocabSize === "number" &&
    typeof f.maxPositions === "number" &&
    typeof f.tokenizer === "object";
  return ok ? (f as TransformerFacts) : undefined;
}

export function loadTransformerLock(host: Host, loaded: LoadedYaml, spec: ProjectSpec, task: TransformerTask): Result<LockedTransformer> {
  const uri = spec.model.source!.uri;
  const at = locate(loaded, ["model", "source", "uri"]);
  const lockFile = lockFileOf(loaded.file);
  const relock = `run \`mesh lock ${spec.name}\` to resolve the source and pin its files`;
  const bytes = host.readFile(lockFile);
  if (!bytes) return { diagnostics: [createDiagnostic("model-not-locked", at, { message: `model.source is not locked: ${lockFile} does not exist` }, relock)] };
  let lock;
  try {
    lock = parseLock(Buffer.from(bytes).toString("utf8"), lockFile);
  } catch (err) {
    const message = (err as Error).message;
    // The lock parser names the file itself; the diagnostic names it once.
    return { diagnostics: [createDiagnostic("model-lock", at, { file: lockFile, message: message.startsWith(`${lockFile}: `) ? message.slice(lockFile.length + 2) : message }, relock)] };
  }
  if (lock.source !== uri) {
    return { diagnostics: [createDiagnostic("model-lock", at, { file: lockFile, message: `it locks ${lock.source}, but model.source.uri is ${uri}` }, relock)] };
  }
  const facts = factsOf(lock.facts);
  if (!facts) return { diagnostics: [createDiagnostic("model-lock", at, { file: lockFile, message: "it records no model facts (labels, tensors, vocabulary)" }, relock)] };

  const diagnostics: Diagnostic[] = [];
  const bad = (message: string, where = at) => diagnostics.push(createDiagnostic("transformer-model", where, { message }));
  const files = Object.entries(lock.files)
    .map(([p, f]) => ({ path: p, sha256: f.sha256, size: f.size }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const required of ["config.json", "tokenizer.json", facts.modelFile]) {
    if (!files.some((f) => f.path === required)) bad(`the locked model folder has no ${required}`);
  }
  if (uri.startsWith("file://")) diagnostics.push(...checkLocalFiles(host, loaded, uri, files, lockFile));

  const signature = checkTaskSignature(task, facts);
  if (!signature.ok) for (const p of signature.problems) bad(`${task}: ${p}`);
  if (facts.tokenizerVocabSize > facts.vocabSize) {
    bad(`tokenizer.json can produce token ids up to ${facts.tokenizerVocabSize - 1}, but the model's embedding table has ${facts.vocabSize} rows: the tokenizer does not belong to this model`);
  }
  const maxLength = spec.model.tokenizer?.max_length;
  if (maxLength !== undefined && maxLength > facts.maxPositions) {
    bad(`max_length ${maxLength} exceeds the model's ${facts.maxPositions} positions (config.json max_position_embeddings)`, locate(loaded, ["model", "tokenizer", "max_length"]));
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { value: { lockFile, ...(lock.revision ? { revision: lock.revision } : {}), files, facts }, diagnostics: [] };
}

/** A folder in the workspace must still hold exactly the locked files (hashed when small). */
function checkLocalFiles(host: Host, loaded: LoadedYaml, uri: string, files: readonly { path: string; sha256: string; size: number }[], lockFile: string): Diagnostic[] {
  const at = locate(loaded, ["model", "source", "uri"]);
  const rel = uri.slice("file://".length);
  if (rel.startsWith("/")) return [createDiagnostic("transformer-model", at, { message: "file:// model paths are relative to the project folder; got an absolute path" })];
  const dir = path.posix.normalize(path.posix.join(path.posix.dirname(loaded.file), rel));
  const total = files.reduce((n, f) => n + f.size, 0);
  const out: Diagnostic[] = [];
  for (const f of files) {
    const file = path.posix.join(dir, f.path);
    const size = host.fileSize(file);
    if (size === undefined) out.push(createDiagnostic("model-not-found", at, { file }));
    else if (size !== f.size)
      out.push(
        createDiagnostic(
          "model-lock",
          at,
          { file: lockFile, message: `${file} is ${size} bytes, the lock pins ${f.size}: the model changed under the spec` },
          "if the change is intended, run mesh lock again",
        ),
      );
    else if (total <= HASH_AT_VALIDATE_BYTES) {
      const actual = createHash("sha256")
        .update(host.readFile(file) ?? new Uint8Array())
        .digest("hex");
      if (actual !== f.sha256) out.push(createDiagnostic("model-sha256", at, { file, actual, expected: f.sha256 }, "the model changed under the spec; if that is intended, run mesh lock again"));
    }
  }
  return out;
}
