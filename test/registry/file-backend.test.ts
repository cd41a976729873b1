/** The registry contract against the file backend, in a temp folder. */
import { afterAll, describe, expect, test } from "vitest";
import { registryContract } from "./contract.js";
import { fileBackend } from "./support/backends.js";

const backend = fileBackend();
describe("file:// registry", () => registryContract(() => backend));

describe("file:// specifics", () => {
  afterAll(() => backend.cleanup());
  test("staging folders of long-crashed publishers are swept; fresh ones are left alone", async () => {
    const { mkdir, utimes, readdir } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const fx = await backend.fresh();
    const root = fx.uri.slice("file://".length);
    const staging = join(root, "spam/models/SPAM-TRAINED/.staging");
    await mkdir(join(staging, "1-old"), { recursive: true });
    await mkdir(join(staging, "2-recent"), { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(join(staging, "1-old"), twoDaysAgo, twoDaysAgo);
    const card = { type: "trained" as const, project: "spam", specHash: "h", params: {}, metrics: {}, toolVersion: "t" };
    const ref = await fx.open().publishModel("spam", "SPAM", "TRAINED", { "m.onnx": new Uint8Array([1]) }, card);
    expect(ref.version).toBe(1);
    expect(await readdir(staging)).toEqual(["2-recent"]);
  });
});
