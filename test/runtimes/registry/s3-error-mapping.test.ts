/**
 * The mapping from AWS SDK failures to registry errors, for the answers s3rver cannot give
 * (it never verifies signatures, never times out): what real S3 and networks return.
 */
import { describe, expect, test } from "vitest";
import { s3Error } from "../../../runtimes/registry/s3-errors.js";

const ctx = { uri: "s3://models/mesh", bucket: "models", endpoint: "https://s3.eu-west-1.amazonaws.com", action: "read spam/models/SPAM-TRAINED/1/card.json" };
const sdk = (name: string, status: number, message = "x") => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe("s3Error", () => {
  test.each([
    ["SignatureDoesNotMatch", 403],
    ["AccessDenied", 403],
    ["ExpiredToken", 400],
    ["SomethingNew", 403],
  ])("%s → forbidden with a hint about credentials", (name, status) => {
    const err = s3Error(sdk(name, status), ctx);
    expect(err.code).toBe("forbidden");
    expect(err.message).toBe(
      `S3 refused the request (${status} ${name}) to read spam/models/SPAM-TRAINED/1/card.json in registry s3://models/mesh; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket policy`,
    );
  });

  test("network failures, including happy-eyeballs AggregateErrors and timeouts → unreachable", () => {
    const aggregate = Object.assign(new AggregateError([Object.assign(new Error("a"), { code: "ECONNREFUSED" })], "x"), {});
    for (const e of [Object.assign(new Error("x"), { code: "ENOTFOUND" }), aggregate, Object.assign(new Error("t"), { name: "TimeoutError" })]) {
      const err = s3Error(e, ctx);
      expect(err.code).toBe("unreachable");
      expect(err.message).toMatch(/^cannot reach S3 endpoint https:\/\/s3\.eu-west-1\.amazonaws\.com \((ENOTFOUND|ECONNREFUSED|ETIMEDOUT)\) for registry s3:\/\/models\/mesh/);
    }
  });

  test("missing bucket, missing credentials, anything else", () => {
    expect(s3Error(sdk("NoSuchBucket", 404), ctx).code).toBe("no-bucket");
    const creds = s3Error(Object.assign(new Error("Could not load credentials"), { name: "CredentialsProviderError" }), ctx);
    expect(creds.code).toBe("forbidden");
    expect(creds.message).toContain("no AWS credentials found");
    const other = s3Error(sdk("InternalError", 500, "We encountered an internal error"), ctx);
    expect(other.code).toBe("io");
    expect(other.message).toBe("S3 failed to read spam/models/SPAM-TRAINED/1/card.json in registry s3://models/mesh: InternalError: We encountered an internal error");
  });
});
