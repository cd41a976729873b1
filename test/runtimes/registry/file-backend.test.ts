/** The registry contract against the file backend, in a temp folder. */
import { afterAll, describe, expect, test } from "vitest";
import { inspectRegistry } from "../../../runtimes/registry/inspect.js";
import { registryContract } from "../../support/registry/contract.js";
import { fileBackend } from "../../support/registry/backends.js";

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

  test("a version folder copied in by hand without its card is listed (one readdir lists versions) and ls shows it as an error row", async () => {
    const { mkdir } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const fx = await backend.fresh();
    const root = fx.uri.slice("file://".length);
    const reg = fx.open();
    const card = { type: "trained" as const, project: "spam", specHash: "h", params: {}, metrics: { accuracy: 0.9 }, toolVersion: "t" };
    await reg.publishModel("spam", "SPAM", "TRAINED", { "m.onnx": new Uint8Array([1]) }, card);
    await mkdir(join(root, "spam/models/SPAM-TRAINED/2"));
    expect(await reg.listModelVersions("spam", "SPAM", "TRAINED")).toEqual([1, 2]);
    const listing = await inspectRegistry(reg, "spam");
    const versions = listing.projects[0]!.models[0]!.versions;
    expect(versions[0]).toMatchObject({ id: "SPAM-TRAINED-1", metrics: { accuracy: 0.9 } });
    expect(versions[1]).toMatchObject({ id: "SPAM-TRAINED-2", error: expect.stringContaining("not found") });
    // The next publish never writes into it.
    expect((await reg.publishModel("spam", "SPAM", "TRAINED", { "m.onnx": new Uint8Array([2]) }, card)).version).toBe(3);
  });
});
