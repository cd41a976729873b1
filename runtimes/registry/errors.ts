/**
 * The one error type the registry throws. `message` is a single sentence meant for users
 * (the CLI prints it as is, without a stack); `code` lets callers branch without parsing text.
 */
export type RegistryErrorCode =
  /** A bad URI, name, path or card given by the caller. */
  | "invalid"
  /** The asked-for version, file or project does not exist (or is not complete yet). */
  | "not-found"
  /** Stored bytes do not match the card's sha256, or a card is unreadable. */
  | "corrupt"
  /** The backend cannot be reached (S3 endpoint down, DNS, timeouts). */
  | "unreachable"
  /** The S3 bucket does not exist. */
  | "no-bucket"
  /** The backend refused the credentials or the request (403). */
  | "forbidden"
  /** A version that should be new already exists (never overwritten). */
  | "conflict"
  /** Any other storage failure. */
  | "io";

export class RegistryError extends Error {
  override readonly name = "RegistryError";
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `err` is a RegistryError with one of the given codes. */
export function isRegistryError(err: unknown, ...codes: RegistryErrorCode[]): err is RegistryError {
  return err instanceof RegistryError && (codes.length === 0 || codes.includes(err.code));
}
