/**
 * Canary releases and queue autoscaling as the spec chooses them: plain Deployment + CPU HPA by
 * default; with `release.strategy: canary` an Argo Rollout over the Deployment's template with
 * the spec's steps and an analysis against its slo; with `autoscale.signal: queue` a KEDA
 * ScaledObject with CPU folded in and no HPA beside it (KEDA owns its own) — also after every
 * environment overlay.
 */
import { afterAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { kustomize, removeTrees, writeTree } from "../../support/k8s/kubectl.js";
import { byPath, exampleIr, k8sFiles, parseYaml } from "../../support/k8s/support.js";
import { envServe, withEnv, withServe } from "../../support/k8s/variants.js";

afterAll(removeTrees);

type Obj = Record<string, any>;
const render = (ir: ProjectIR, dir: string): Obj[] => kustomize(`${writeTree(k8sFiles(ir))}/${dir}`) as Obj[];
const kinds = (objects: Obj[]) => objects.map((o) => o.kind).sort();

describe("defaults: a plain Deployment scaled on CPU", () => {
  test("spam base has a Deployment and an HPA on it, no Rollout, no ScaledObject", async () => {
    const objects = render(await exampleIr("spam"), "k8s/base");
    expect(kinds(objects)).toEqual(["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "ServiceAccount"]);
    expect(objects.find((o) => o.kind === "HorizontalPodAutoscaler")!.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "spam-serve" });
  });
});

describe("sentiment: canary release, queue autoscaling", () => {
  test("the Rollout takes the Deployment's pods through the spec's steps with the SLO analysis in the background", async () => {
    const ir = await exampleIr("sentiment");
    const objects = render(ir, "k8s/base");
    expect(kinds(objects)).toEqual(["AnalysisTemplate", "ConfigMap", "Deployment", "PodDisruptionBudget", "Rollout", "ScaledObject", "Service", "ServiceAccount"]);
    const deployment = objects.find((o) => o.kind === "Deployment")!;
    const rollout = objects.find((o) => o.kind === "Rollout")!;
    expect(deployment.spec.replicas).toBe(0);
    expect(rollout.spec.workloadRef).toMatchObject({ kind: "Deployment", name: deployment.metadata.name });
    expect(rollout.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(rollout.spec.strategy.canary.steps).toEqual([{ setWeight: 10 }, { pause: { duration: "120s" } }, { setWeight: 50 }, { pause: { duration: "300s" } }]);
    const analysis = objects.find((o) => o.kind === "AnalysisTemplate")!;
    expect(rollout.spec.strategy.canary.analysis.templates).toEqual([{ templateName: analysis.metadata.name }]);
    expect(analysis.spec.metrics.map((m: Obj) => m.successCondition)).toEqual([
      `isNaN(result[0]) || result[0] <= ${ir.serve.slo.errorRate}`,
      `isNaN(result[0]) || result[0] <= ${ir.serve.slo.p99Ms / 1000}`,
    ]);
    for (const m of analysis.spec.metrics) expect(m.provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.canary-hash}}"');
  });

  test("KEDA scales the Rollout on queued rows per replica with CPU folded in, within the spec's bounds, and no HPA exists", async () => {
    const ir = await exampleIr("sentiment");
    const so = render(ir, "k8s/base").find((o) => o.kind === "ScaledObject")!;
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "sentiment-serve" });
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([1, 8]);
    expect(so.spec.triggers.map((t: Obj) => [t.type, t.metricType])).toEqual([
      ["prometheus", "AverageValue"],
      ["cpu", "Utilization"],
    ]);
    expect(so.spec.triggers[0].metadata).toMatchObject({ threshold: String(ir.serve.autoscale.queueRows), serverAddress: ir.serve.prometheus });
    expect(so.spec.triggers[0].metadata.query).toContain("mesh_queue_rows");
    for (const env of ir.environments) expect(kinds(render(ir, `k8s/overlays/${env.name}`))).not.toContain("HorizontalPodAutoscaler");
  });

  test("environment overlays move the ScaledObject's bounds and the Rollout's count, never the Deployment's", async () => {
    const base = await exampleIr("sentiment");
    const three = render(
      withEnv(base, "ci", (e) => envServe(e, { replicas: 3 })),
      "k8s/overlays/ci",
    );
    expect(three.find((o) => o.kind === "ScaledObject")!.spec).toMatchObject({ minReplicaCount: 3, maxReplicaCount: 8 });
    const none = render(
      withEnv(base, "ci", (e) => envServe(e, { replicas: 0 })),
      "k8s/overlays/ci",
    );
    expect(kinds(none)).not.toContain("ScaledObject");
    expect(none.find((o) => o.kind === "Rollout")!.spec.replicas).toBe(0);
    expect(none.find((o) => o.kind === "Deployment")!.spec.replicas).toBe(0);
  });
});

describe("monitoring for every served project", () => {
  test.each(["spam", "iris", "colors", "sentiment"])("%s: a ServiceMonitor on the serve Service's /metrics and SLO alerts", async (name) => {
    const ir = await exampleIr(name);
    const files = k8sFiles(ir);
    const sm = parseYaml(byPath(files, "k8s/monitoring/servicemonitor.yaml")) as Obj;
    const service = parseYaml(byPath(files, "k8s/base/service.yaml")) as Obj;
    expect(sm.spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: service.spec.ports[0].name, path: "/metrics" });
    const rule = parseYaml(byPath(files, "k8s/monitoring/prometheusrule.yaml")) as Obj;
    const alerts = rule.spec.groups[0].rules;
    expect(alerts.map((r: Obj) => r.alert)).toEqual(["MeshErrorRateAboveSlo", "MeshLatencyAboveSlo", "MeshNoReadyPods"]);
    expect(alerts[0].expr.endsWith(`> ${ir.serve.slo.errorRate}`)).toBe(true);
    expect(alerts[1].expr.endsWith(`> ${ir.serve.slo.p99Ms / 1000}`)).toBe(true);
  });

  test("with zero replicas there is no autoscaler and no readiness alert", async () => {
    const ir = withServe(await exampleIr("sentiment"), { replicas: 0 });
    const files = k8sFiles(ir);
    expect(files.some((f) => f.path === "k8s/base/scaledobject.yaml")).toBe(false);
    const rule = parseYaml(byPath(files, "k8s/monitoring/prometheusrule.yaml")) as Obj;
    expect(rule.spec.groups[0].rules.map((r: Obj) => r.alert)).toEqual(["MeshErrorRateAboveSlo", "MeshLatencyAboveSlo"]);
  });
});
