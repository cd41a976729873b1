/**
 * Model sources: `parseModelUri` / `checkModelUri` for the text, `resolveModelSource` for the
 * bytes (file://, npm:, s3://, https://, hf://), and `model.lock.json`, which pins them.
 * Runtime code: imports nothing from compiler/ or generators/.
 */
export { ModelSourceError, isModelSourceError, type ModelSourceErrorCode } from "./errors.js";
export { checkModelUri, parseModelUri, isCommitSha, type ModelUri, type ModelScheme, type FileModelUri, type NpmModelUri, type S3ModelUri, type HttpsModelUri, type HfModelUri } from "./uri.js";
export { resolveModelSource } from "./resolve.js";
export { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, type ModelFile, type ResolveOptions, type ResolvedModel } from "./types.js";
export { ONNX_CANDIDATES, SERVING_FILES, WEIGHT_FILES, findOnnx, requireOnnx } from "./layout.js";
export { DEFAULT_HF_ENDPOINT, hubEndpoint } from "./source-hf.js";
export {
  LOCK_FILE_NAME,
  LOCK_VERSION,
  compareWithLock,
  lockFromResolved,
  lockOfPinned,
  parseLock,
  serializeLock,
  verifyFolder,
  type JsonValue,
  type LockedFile,
  type ModelLock,
} from "./lock.js";
export { hashFile } from "./hash.js";
