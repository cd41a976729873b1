/** MESH_MODEL_REF: which version is picked and where it lands. */
import { describe, expect, test } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { pickVersion, resolveModelRef } from "../../../runtimes/serve/model-ref.js";
import { buildDenseModel } from "../../support/onnx-models.js";
import { tempDir } from "../../support/serve/helpers.js";

async function registryWith(stages: ("TRAINED" | "COMPILED")[]) {
  const dir = tempDir();
  const uri = `file://${dir}/registry`;
  const registry = openRegistry(uri);
  const files = { "model.onnx": buildDenseModel({ sizes: [8, 2] }) };
  const base = { project: "mail", specHash: "h", params: {}, metrics: {}, toolVersion: "t" };
  for (const stage of stages) {
    if (stage === "TRAINED") await registry.publishModel("mail", "MAILX", stage, files, { ...base, type: "trained" });
    else await registry.publishModel("mail", "MAILX", stage, files, { ...base, type: "compiled", parent: "MAILX-TRAINED-1" });
  }
  return { dir, uri, registry };
}

describe("MESH_MODEL_REF", () => {
  test("latest prefers the newest COMPILED, else the newest TRAINED; the key is found in the registry", async () => {
    const a = await registryWith(["TRAINED", "TRAINED", "COMPILED"]);
    expect(await pickVersion(a.registry, "mail", "latest")).toEqual({ project: "mail", key: "MAILX", stage: "COMPILED", version: 1 });
    const b = await registryWith(["TRAINED", "TRAINED"]);
    expect(await pickVersion(b.registry, "mail", "latest")).toEqual({ project: "mail", key: "MAILX", stage: "TRAINED", version: 2 });
    expect(await pickVersion(b.registry, "mail", "MAILX-TRAINED-1")).toEqual({ project: "mail", key: "MAILX", stage: "TRAINED", version: 1 });
  });

  test("downloads the version into the cache folder, verified, with its card", async () => {
    const a = await registryWith(["TRAINED"]);
    const fetched = await resolveModelRef("mail", "MAILX-TRAINED-1", a.uri, join(a.dir, "cache"));
    expect(fetched.id).toBe("MAILX-TRAINED-1");
    expect(fetched.modelPath).toBe(join(a.dir, "cache", "MAILX-TRAINED-1", "model.onnx"));
    expect(existsSync(fetched.modelPath)).toBe(true);
    expect(existsSync(fetched.cardPath)).toBe(true);
  });

  test("clear errors: no registry, malformed ref, nothing published", async () => {
    await expect(resolveModelRef("mail", "latest", "")).rejects.toThrow(/MESH_MODEL_REF needs MESH_REGISTRY/);
    const a = await registryWith([]);
    await expect(pickVersion(a.registry, "mail", "mail-3")).rejects.toThrow(/invalid model reference "mail-3": expected KEY-STAGE-N/);
    await expect(pickVersion(a.registry, "mail", "latest")).rejects.toThrow(/has no COMPILED or TRAINED version of mail/);
  });
});
