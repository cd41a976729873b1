/**
 * The Neuron variant (`k8s/neuron/` and `k8s/overlays/<env>/neuron/`) as Kustomize renders it:
 * the server's settings reach the pod through its ConfigMap, each holding exactly the spec's
 * values of the MESH_* variables app.py honours (api.json's declarations), and an
 * environment's overlay patches only what that environment changes.
 */
import { afterAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import type { NeuronTarget } from "../../../runtimes/compile/types.js";
import { apiJson } from "../../../generators/neuron/api-json.js";
import { envMap } from "../../../generators/support/serve-env.js";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";
import { exampleIr, k8sFiles } from "../../support/k8s/support.js";
import { kustomize, removeTrees, writeTree } from "../../support/k8s/kubectl.js";
import { validateObject } from "../../support/k8s/models.js";
import { startAppPy } from "../../support/neuron/app-process.js";
import { stageNeuronServer } from "../../support/neuron/staged-server.js";

afterAll(removeTrees);

type Any = Record<string, any>;

const render = (ir: ProjectIR, dir: string): Any[] => kustomize(`${writeTree(k8sFiles(ir))}/k8s/${dir}`) as Any[];
const find = (objs: Any[], kind: string) => objs.find((o) => o.kind === kind)!;
const envOf = (ir: ProjectIR, name: string) => ir.environments.find((e) => e.name === name)!;

/** What app.py reads: api.json's env declarations, less the image's own MESH_MODEL_DIR (the Dockerfile sets it). */
function appPyReads(ir: ProjectIR): { honoured: Set<string>; unsupported: string[] } {
  const api = JSON.parse(apiJson(ir)) as { env: Record<string, unknown>; unsupported: string[] };
  return { honoured: new Set(Object.keys(api.env).filter((n) => n !== "MESH_MODEL_DIR")), unsupported: api.unsupported };
}

/** The spam spec with a prod environment that changes batching, limits and ONNX-only settings. */
async function spamWithProdSettings(): Promise<ProjectIR> {
  const text = edit(
    exampleText("spam"),
    'prod: { registry: "s3://model-store-prod/mesh", serve: { replicas: 3, alias: production } }',
    [
      "prod:",
      '    registry: "s3://model-store-prod/mesh"',
      "    image_tag: 0123456789ab",
      "    serve:",
      "      replicas: 2",
      "      alias: production",
      "      workers: 4",
      "      threads: { intra_op: 2 }",
      "      batching: { max_batch: 16, max_delay_ms: 3, queue: 4096 }",
      "      limits: { timeout_ms: 5000, max_rows: 128 }",
      '      resources: { cpu: "2", memory: 1Gi }',
    ].join("\n"),
  );
  const { value, lines } = await compileSpec(text);
  expect(lines).toEqual([]);
  return value![0]!;
}

describe("Neuron settings", () => {
  test("the base ConfigMap holds the spec's values of exactly the variables app.py honours, and the Deployment reads it", async () => {
    const ir = await exampleIr("spam");
    const objects = render(ir, "neuron");
    const data = find(objects, "ConfigMap").data as Record<string, string>;
    const { honoured } = appPyReads(ir);
    expect(Object.keys(data).sort()).toEqual(
      ir.serve.env
        .map((v) => v.name)
        .filter((n) => honoured.has(n))
        .sort(),
    );
    const spec = envMap(ir.serve.env);
    for (const [name, value] of Object.entries(data)) expect(value, name).toBe(spec[name]);
    expect(data).toMatchObject({ MESH_BATCH_MAX: "32", MESH_QUEUE_ROWS: "2048", MESH_MAX_ROWS: "64", MESH_PORT: "8000", MESH_DRAIN_MS: "10000" });
    expect(data.MESH_WORKERS).toBeUndefined();
    const container = find(objects, "Deployment").spec.template.spec.containers[0];
    expect(container.envFrom).toEqual([{ configMapRef: { name: find(objects, "ConfigMap").metadata.name } }]);
    expect(container.env).toBeUndefined();
    // Its own ConfigMap: applying the serving base beside it changes nothing of the Neuron pod.
    expect(find(objects, "ConfigMap").metadata.name).not.toBe(find(render(ir, "base"), "ConfigMap").metadata.name);
  });

  test("prod overlay: the environment's batching and limits, nothing app.py refuses, the rest as the base", async () => {
    const ir = await spamWithProdSettings();
    const prod = render(ir, "overlays/prod/neuron");
    for (const o of prod) validateObject(o);
    const data = find(prod, "ConfigMap").data as Record<string, string>;
    expect(data).toMatchObject({ MESH_BATCH_MAX: "16", MESH_BATCH_DELAY_MS: "3", MESH_QUEUE_ROWS: "4096", MESH_TIMEOUT_MS: "5000", MESH_MAX_ROWS: "128", MESH_BODY_BYTES: "1048576" });
    const { honoured, unsupported } = appPyReads(ir);
    for (const name of Object.keys(data)) {
      expect(honoured.has(name), `${name} is read by app.py`).toBe(true);
      expect(unsupported).not.toContain(name);
    }
    // The environment's whole lowered list, as app.py reads it: MESH_WORKERS and the thread counts are not there.
    const prodSpec = envMap(envOf(ir, "prod").serve.env);
    expect(data).toEqual(Object.fromEntries(Object.entries(prodSpec).filter(([name]) => honoured.has(name))));
    expect(prodSpec.MESH_WORKERS).toBe("4");
    const deployment = find(prod, "Deployment");
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe("spam-serve-neuron:0123456789ab");
    expect(container.resources).toEqual({ requests: { cpu: "2", memory: "1Gi", "aws.amazon.com/neuron": "1" }, limits: { memory: "1Gi", "aws.amazon.com/neuron": "1" } });
    expect(container.readinessProbe.httpGet.path).toBe("/spam/v1/ready");
  });

  test("an environment that changes only what app.py does not read gets no ConfigMap patch", async () => {
    const ir = await spamWithProdSettings();
    const files = k8sFiles(ir).filter((f) => f.path.includes("/neuron/") && f.path.startsWith("k8s/overlays/"));
    expect(files.map((f) => f.path).sort()).toEqual([
      "k8s/overlays/ci/neuron/kustomization.yaml",
      "k8s/overlays/dev/neuron/kustomization.yaml",
      "k8s/overlays/prod/neuron/deployment-patch.yaml",
      "k8s/overlays/prod/neuron/kustomization.yaml",
      "k8s/overlays/prod/neuron/serve-env-patch.yaml",
    ]);
    const patch = files.find((f) => f.path.endsWith("serve-env-patch.yaml"))!.contents;
    expect(patch).not.toMatch(/MESH_WORKERS|MESH_INTRA_OP_THREADS/);
    expect(find(render(ir, "overlays/dev/neuron"), "ConfigMap").data).toEqual(find(render(ir, "neuron"), "ConfigMap").data);
  });

  test("a transformer's Neuron image runs the TypeScript server: its ConfigMap carries every lowered setting", async () => {
    const ir = await exampleIr("sentiment");
    expect(find(render(ir, "neuron"), "ConfigMap").data).toEqual(envMap(ir.serve.env));
  });

  test("the real app.py starts with the ConfigMap each environment renders, and enforces its row limit", async () => {
    const ir = await spamWithProdSettings();
    const target = ir.compile!.targets.find((t): t is NeuronTarget => t.kind === "neuron")!;
    // Traced as the spec's Neuron target (batch 8, dynamic), so app.py checks MESH_BATCH_MAX against it.
    const staged = await stageNeuronServer(ir, "k8s-neuron-env", { batch: target.batchSize, dynamicBatch: target.dynamicBatch });
    try {
      for (const env of ir.environments) {
        const data = find(render(ir, `overlays/${env.name}/neuron`), "ConfigMap").data as Record<string, string>;
        const app = await startAppPy(ir, staged, data);
        try {
          const body = JSON.stringify({
            data: {
              namespace: ir.serve.api.namespace,
              attributes: {
                text: Array(200)
                  .fill("free money")
                  .slice(0, Number(data.MESH_MAX_ROWS) + 1),
              },
            },
          });
          const tooMany = await fetch(`${app.url}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body });
          expect(tooMany.status, env.name).toBe(400);
          expect(JSON.stringify(await tooMany.json())).toContain(`must hold at most ${data.MESH_MAX_ROWS} rows`);
        } finally {
          await app.stop();
        }
      }
    } finally {
      staged.remove();
    }
  }, 240_000);
});
