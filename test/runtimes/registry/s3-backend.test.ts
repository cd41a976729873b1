/** The registry contract against the S3 backend, on a real s3rver started on 127.0.0.1. */
import { afterAll, beforeAll, describe } from "vitest";
import { startS3rver, type S3rverHandle } from "../../support/s3rver.js";
import { registryContract } from "../../support/registry/contract.js";
import { s3Backend } from "../../support/registry/backends.js";

let server: S3rverHandle | undefined;
beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

const backend = s3Backend(() => {
  if (!server) throw new Error("s3rver is not running");
  return server;
});
describe("s3:// registry (s3rver)", () => registryContract(() => backend));
