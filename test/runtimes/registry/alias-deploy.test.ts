/**
 * The serving pick rule in generated deployables: an environment's `serve.alias` is lowered
 * once into its modelRef and every generator reads that — the k8s overlay's ConfigMap, the
 * compose profile and the CI contract-test step all carry it as MESH_MODEL_REF, and the
 * server accepts the result.
 */
import { describe, expect, test } from "vitest";
import { generateCiWorkflow } from "../../../generators/ci-workflow/index.js";
import { composeModel } from "../../../generators/compose/services.js";
import { loadConfig } from "../../../runtimes/serve/config.js";
import { pickModel as pickImageModel } from "../../../compiler/images/model-source.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";
import { byPath, exampleIr, k8sFiles, parseYaml } from "../../support/k8s/support.js";
import { withDownload, withEnv } from "../../support/k8s/variants.js";

type Any = Record<string, any>;

describe("environments.<env>.serve.alias", () => {
  test("lowers to the environment's modelRef; environments without one serve latest", async () => {
    const ir = await exampleIr("spam");
    expect(Object.fromEntries(ir.environments.map((e) => [e.name, e.modelRef]))).toEqual({ dev: "latest", ci: "latest", prod: "production" });
  });

  test("k8s: the prod overlay downloads the alias's version; the base keeps latest; the server accepts it", async () => {
    const ir = withDownload(await exampleIr("spam"));
    const files = k8sFiles(ir);
    const base = parseYaml(byPath(files, "k8s/base/configmap.yaml")).data as Record<string, string>;
    expect(base.MESH_MODEL_REF).toBe("latest");
    const patch = parseYaml(byPath(files, "k8s/overlays/prod/serve-env-patch.yaml")) as Any;
    expect(patch.data.MESH_MODEL_REF).toBe("production");
    const loaded = loadConfig({ ...base, ...patch.data, MESH_MODEL_PATH: "" });
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.config.modelRef).toBe("production");
  });

  test("compose and CI: a ci alias reaches the ci profile and the contract-test step", async () => {
    const ir = withEnv(withDownload(await exampleIr("spam")), "ci", (e) => ({ ...e, modelRef: "candidate" }));
    const compose = composeModel(ir) as Any;
    const serve = Object.entries(compose.services as Record<string, Any>).filter(([name]) => name.startsWith("serve"));
    const refs = Object.fromEntries(serve.map(([name, s]) => [name, s.environment.MESH_MODEL_REF]));
    expect(Object.values(refs).sort()).toEqual(["candidate", "latest"]);
    const workflow = generateCiWorkflow([ir])
      .map((f) => f.contents)
      .join("\n");
    expect(workflow).toMatch(/Contract tests[\s\S]{0,200}MESH_MODEL_REF: candidate/);
    const plain = generateCiWorkflow([await exampleIr("spam")])
      .map((f) => f.contents)
      .join("\n");
    expect(plain).not.toContain("MESH_MODEL_REF");
  });

  test("validate refuses a hostile or reserved alias with file:line:col", async () => {
    const spam = exampleText("spam");
    const bad = await compileSpec(edit(spam, "alias: production }", 'alias: "prod; rm -rf /" }'));
    expect(bad.lines).toEqual([expect.stringMatching(/^projects\/spam\/project\.yaml:66:\d+ error MESH\d+ environments\.prod\.serve\.alias: "prod; rm -rf \/" must be an alias name/)]);
    const reserved = await compileSpec(edit(spam, "alias: production }", "alias: latest }"));
    expect(reserved.lines[0]).toMatch(/environments\.prod\.serve\.alias: .*reserved/);
  });
});

describe("mesh build bakes the same pick", () => {
  test("MESH_MODEL_REF (or modelRef) names the version a serve image bakes: an alias, an id; unset aliases refuse", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mesh-bake-"));
    try {
      const uri = `file://${dir}`;
      const reg = openRegistry(uri);
      const card = { project: "spam", specHash: "h", params: {}, metrics: {}, toolVersion: "t", type: "trained" as const };
      const v1 = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": new TextEncoder().encode("one") }, card);
      await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": new TextEncoder().encode("two") }, card);
      await reg.setAlias("spam", "production", v1, { by: "t" });
      const ir = await exampleIr("spam");
      expect((await pickImageModel(ir, { root: dir, registryUri: uri })).version).toBe("SPAM-TRAINED-2");
      const baked = await pickImageModel(ir, { root: dir, registryUri: uri, modelRef: "production" });
      expect(baked.version).toBe("SPAM-TRAINED-1");
      expect(new TextDecoder().decode(baked.files["model.onnx"])).toBe("one");
      expect((await pickImageModel(ir, { root: dir, registryUri: uri, modelRef: "SPAM-TRAINED-2" })).version).toBe("SPAM-TRAINED-2");
      await expect(pickImageModel(ir, { root: dir, registryUri: uri, modelRef: "staging" })).rejects.toThrow(/MESH_MODEL_REF: alias staging of spam is not set/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
