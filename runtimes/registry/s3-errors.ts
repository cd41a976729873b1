/**
 * Turns AWS SDK failures into one-sentence RegistryErrors that say what to fix: the endpoint
 * that cannot be reached, the bucket that does not exist, the credentials that were refused.
 */
import { RegistryError } from "./errors.js";

export interface S3ErrorContext {
  /** The registry URI (s3://bucket/prefix). */
  readonly uri: string;
  readonly bucket: string;
  /** The endpoint actually used, for "cannot reach …". */
  readonly endpoint: string;
  /** What was being done, e.g. "read spam/models/SPAM-TRAINED/1/card.json". */
  readonly action: string;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);
const FORBIDDEN = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken", "AllAccessDisabled", "Forbidden"]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  errors?: { code?: string }[];
  cause?: { code?: string };
  $metadata?: { httpStatusCode?: number };
}

/** The network error code of an SDK/Node failure, if it is one. */
function networkCode(e: SdkError): string | undefined {
  const codes = [e.code, e.cause?.code, ...(e.errors ?? []).map((x) => x.code)];
  if (e.name === "TimeoutError") codes.push("ETIMEDOUT");
  return codes.find((c): c is string => c !== undefined && NETWORK_CODES.has(c));
}

export function s3Error(err: unknown, ctx: S3ErrorContext): RegistryError {
  if (err instanceof RegistryError) return err;
  const e = (err ?? {}) as SdkError;
  const net = networkCode(e);
  if (net) {
    return new RegistryError("unreachable", `cannot reach S3 endpoint ${ctx.endpoint} (${net}) for registry ${ctx.uri}; is the server running?`, { cause: err });
  }
  if (e.name === "NoSuchBucket") {
    return new RegistryError("no-bucket", `S3 bucket "${ctx.bucket}" does not exist at ${ctx.endpoint} (registry ${ctx.uri}); create it or fix the URI`, { cause: err });
  }
  const status = e.$metadata?.httpStatusCode;
  if ((e.name && FORBIDDEN.has(e.name)) || status === 403) {
    return new RegistryError(
      "forbidden",
      `S3 refused the request (${status ?? 403} ${e.name ?? "Forbidden"}) to ${ctx.action} in registry ${ctx.uri}; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket policy`,
      { cause: err },
    );
  }
  if (e.name === "CredentialsProviderError") {
    return new RegistryError("forbidden", `no AWS credentials found for registry ${ctx.uri}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE`, { cause: err });
  }
  const detail = e.message && e.message !== "UnknownError" ? `${e.name ?? "Error"}: ${e.message}` : `${e.name ?? "Error"} (HTTP ${status ?? "?"})`;
  return new RegistryError("io", `S3 failed to ${ctx.action} in registry ${ctx.uri}: ${detail}`, { cause: err });
}

/** True for "the object is not there" answers (GET NoSuchKey, HEAD 404). */
export function isMissingKey(err: unknown): boolean {
  const e = (err ?? {}) as SdkError;
  return e.name === "NoSuchKey" || (e.name === "NotFound" && e.$metadata?.httpStatusCode === 404);
}
