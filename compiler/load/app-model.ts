/**
 * An App serves an externally maintained ONNX model; the compiler reads that model's
 * signature so the generated API, client and tests match it. The model is found through the
 * Host: `file://PATH` relative to the project folder, or `npm:PACKAGE/PATH` under
 * node_modules. Remote sources cannot be inspected offline at compile time.
 */
import * as path from "node:path";
import { createHash } from "node:crypto";
import type { Host } from "../host.js";
import type { Diagnostic, Result } from "../diagnostics/diagnostic.js";
import { createDiagnostic } from "../diagnostics/registry.js";
import type { AppKindSpec } from "../../schemas/project.js";
import type { LoadedYaml } from "./load-yaml.js";
import { locate } from "./locate.js";
import { readOnnxSignature, type ModelSignature } from "../../runtimes/support/onnx-signature.js";

/** Bigger models are not decoded at compile time (the whole file is read into memory). */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;

/** Where a model URI points in the workspace, or why it cannot be read locally. */
export function modelPath(specPath: string, uri: string): { readonly file: string } | { readonly problem: "remote" | "absolute" | "no-path"; readonly scheme: string } {
  if (uri.startsWith("file://")) {
    const rel = uri.slice("file://".length);
    if (rel.startsWith("/")) return { problem: "absolute", scheme: "file://" };
    return { file: path.posix.normalize(path.posix.join(path.posix.dirname(specPath), rel)) };
  }
  if (uri.startsWith("npm:")) {
    const rest = uri.slice("npm:".length);
    const parts = rest.split("/");
    const pkgParts = rest.startsWith("@") ? 2 : 1;
    if (parts.length <= pkgParts || parts.slice(pkgParts).join("/") === "") return { problem: "no-path", scheme: "npm:" };
    return { file: path.posix.normalize(`node_modules/${rest}`) };
  }
  return { problem: "remote", scheme: uri.slice(0, uri.indexOf(":") + 3) };
}

/** Reads and checks the App's model; diagnostics point at `model.source.uri` in the spec. */
export function loadAppSignature(host: Host, loaded: LoadedYaml, spec: AppKindSpec): Result<ModelSignature> {
  const at = locate(loaded, ["model", "source", "uri"]);
  const fail = (d: Diagnostic): Result<ModelSignature> => ({ diagnostics: [d] });
  const where = modelPath(loaded.file, spec.model.source.uri);
  if ("problem" in where) {
    if (where.problem === "absolute") return fail(createDiagnostic("model-signature", at, { message: "file:// model paths are relative to the project folder; got an absolute path" }));
    if (where.problem === "no-path") return fail(createDiagnostic("model-signature", at, { message: "npm: model sources name a file inside the package: npm:PACKAGE/PATH/model.onnx" }));
    return fail(createDiagnostic("model-source-remote", at, { scheme: where.scheme }, "download the model and point at it with file://, or ship it in an npm package (npm:PACKAGE/PATH)"));
  }
  const size = host.fileSize(where.file);
  if (size === undefined) return fail(createDiagnostic("model-not-found", at, { file: where.file }));
  if (size > MAX_MODEL_BYTES) return fail(createDiagnostic("model-too-large", at, { file: where.file, size, max: MAX_MODEL_BYTES }));
  const bytes = host.readFile(where.file);
  if (!bytes) return fail(createDiagnostic("model-not-found", at, { file: where.file }));
  const pinned = spec.model.source.sha256;
  if (pinned) {
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== pinned) return fail(createDiagnostic("model-sha256", locate(loaded, ["model", "source", "sha256"]), { file: where.file, actual, expected: pinned }));
  }
  const read = readOnnxSignature(bytes);
  if (!read.ok) return fail(createDiagnostic("model-corrupt", at, { file: where.file, reason: read.reason }));
  const labels = spec.model.labels;
  const first = read.signature.outputs[0];
  const width = first?.shape.at(-1) ?? -1;
  if (labels && width > 0 && width !== labels.length) {
    const message = `model.labels names ${labels.length} classes but the model's output "${first?.name}" has ${width}`;
    return fail(createDiagnostic("model-signature", locate(loaded, ["model", "labels"]), { message }));
  }
  return { value: read.signature, diagnostics: [] };
}
