/**
 * Builds the S3 client for an `s3://` registry from explicit options first, then the standard
 * AWS environment (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION,
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then the SDK's default chain
 * (profiles, instance roles) for credentials.
 */
import { S3Client } from "@aws-sdk/client-s3";

export interface S3Options {
  /** Endpoint override for S3-compatible servers, e.g. http://127.0.0.1:4568. */
  readonly endpoint?: string;
  readonly region?: string;
  /**
   * Path-style addressing (`endpoint/bucket/key`). Default: on when an endpoint override is
   * set (S3-compatible servers rarely resolve `bucket.host`), off for AWS itself.
   */
  readonly forcePathStyle?: boolean;
  /** Attempts per request including retries (SDK default 3). */
  readonly maxAttempts?: number;
}

export interface S3Setup {
  readonly client: S3Client;
  /** The endpoint requests go to, for messages. */
  readonly endpoint: string;
}

const nonEmpty = (s: string | undefined) => (s !== undefined && s.trim() !== "" ? s.trim() : undefined);

export function createS3Client(options: S3Options, env: NodeJS.ProcessEnv): S3Setup {
  const endpoint = nonEmpty(options.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const region = nonEmpty(options.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? "us-east-1";
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  const client = new S3Client({
    region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    // The registry verifies its own sha256 of every file; the SDK's default CRC trailers
    // (aws-chunked uploads) are not understood by many S3-compatible servers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return { client, endpoint: endpoint ?? `https://s3.${region}.amazonaws.com` };
}
