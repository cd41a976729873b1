/**
 * The one error type the model-source resolver throws. `message` is one sentence for users
 * (the CLI prints it without a stack); `code` lets callers map it to a diagnostic without
 * parsing text.
 */
export type ModelSourceErrorCode =
  /** The URI itself is malformed (also what `checkModelUri` reports). */
  | "invalid-uri"
  /** The file, folder, package, object, repository, revision or file in a repository is not there. */
  | "not-found"
  /** A path escapes the workspace or package, or names a system folder. */
  | "outside"
  /** A FIFO, socket or device where a regular file or folder was expected. */
  | "not-regular"
  /** The server or endpoint cannot be reached (DNS, refused connection, timeout). */
  | "unreachable"
  /** The server refused the credentials (401/403). */
  | "denied"
  /** The source is bigger than the byte cap. */
  | "too-large"
  /** Bytes do not match the lock, or a download does not match what the server announced. */
  | "mismatch"
  /** A lock file that cannot be read, or one that pins a different source. */
  | "invalid-lock"
  /** A model folder without what a served model needs (e.g. no ONNX graph). */
  | "incomplete"
  /** Any other failure (server errors, I/O). */
  | "io";

export class ModelSourceError extends Error {
  override readonly name = "ModelSourceError";
  constructor(
    readonly code: ModelSourceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `err` is a ModelSourceError with one of the given codes (any code when none given). */
export function isModelSourceError(err: unknown, ...codes: ModelSourceErrorCode[]): err is ModelSourceError {
  return err instanceof ModelSourceError && (codes.length === 0 || codes.includes(err.code));
}
