/**
 * What each environment overlay changes, as Kustomize renders it, and that every overlay only
 * references files and names that exist.
 */
import * as fs from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import type { GeneratedFile, ProjectIR } from "../../../compiler/ir.js";
import { imageRepository } from "../../../compiler/images/build-step.js";
import { EXAMPLES, exampleIr, k8sFiles, parseYaml } from "../../support/k8s/support.js";
import { kustomize, removeTrees, writeTree } from "../../support/k8s/kubectl.js";

afterAll(removeTrees);
import { envServe, withDownload, withEnv } from "../../support/k8s/variants.js";

type Any = Record<string, any>;

function render(ir: ProjectIR, dir: string): Any[] {
  return kustomize(`${writeTree(k8sFiles(ir))}/k8s/${dir}`) as Any[];
}
const find = (objs: Any[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe("references", () => {
  test("every resource and patch an overlay names exists, and every patch names an object of its base", async () => {
    for (const name of EXAMPLES) {
      const ir = await exampleIr(name);
      const files = k8sFiles(ir);
      const root = writeTree(files);
      const kustomizations = files.filter((f: GeneratedFile) => f.path.endsWith("kustomization.yaml"));
      for (const k of kustomizations) {
        const dir = k.path.slice(0, -"kustomization.yaml".length);
        const doc = parseYaml(k) as Any;
        for (const r of doc.resources as string[]) {
          const target = `${root}/${dir}${r}`;
          expect(fs.existsSync(target) && (fs.statSync(target).isFile() || fs.existsSync(`${target}/kustomization.yaml`)), `${k.path} → ${r}`).toBe(true);
        }
        for (const p of (doc.patches ?? []) as Any[]) {
          expect(fs.existsSync(`${root}/${dir}${p.path}`), `${k.path} → ${p.path}`).toBe(true);
          const patch = parseYaml(files.find((f) => f.path === `${dir}${p.path}`)!) as Any;
          if (p.target) continue;
          const base = kustomize(`${root}/${dir}${doc.resources[0]}`) as Any[];
          expect(find(base, patch.kind, patch.metadata.name), `${p.path} patches ${patch.kind}/${patch.metadata.name}`).toBeDefined();
        }
      }
    }
  });
});

describe("spam overlays", () => {
  test("prod: three replicas at least (autoscaler bounds), same image and settings as the base", async () => {
    const ir = await exampleIr("spam");
    const prod = render(ir, "overlays/prod");
    const hpa = find(prod, "HorizontalPodAutoscaler")!;
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 12]);
    expect(find(prod, "Deployment")!.spec.template.spec.containers[0].image).toBe(`${imageRepository(ir, "serve")}:latest`);
    expect(find(prod, "ConfigMap")!.data).toEqual(find(render(ir, "base"), "ConfigMap")!.data);
  });

  test("jobs: prod uses the S3 registry with no volume, dev and ci a mounted file registry claim", async () => {
    const ir = await exampleIr("spam");
    for (const [env, registry, claim] of [
      ["prod", "s3://model-store-prod/mesh", undefined],
      ["dev", "file:///var/lib/mesh/registry", "spam-registry"],
      ["ci", "file:///var/lib/mesh/registry", "spam-registry"],
    ] as const) {
      const jobs = render(ir, `overlays/${env}/jobs`).filter((o) => o.kind === "Job");
      expect(jobs.map((j) => j.metadata.name)).toEqual(["spam-compile", "spam-ingest", "spam-register", "spam-train"]);
      for (const job of jobs) {
        expect(job.spec.suspend).toBe(true);
        const spec = job.spec.template.spec;
        const c = spec.containers[0];
        expect(c.env.find((e: Any) => e.name === "MESH_REGISTRY").value, `${env} ${job.metadata.name}`).toBe(registry);
        expect(spec.volumes.find((v: Any) => v.name === "registry")?.persistentVolumeClaim?.claimName).toBe(claim);
        expect(c.volumeMounts.some((m: Any) => m.mountPath === "/var/lib/mesh/registry")).toBe(claim !== undefined);
      }
    }
  });

  test("an environment's image_tag pins every image of its overlays", async () => {
    const ir = withEnv(await exampleIr("spam"), "prod", (e) => ({ ...e, imageTag: "0123456789ab" }));
    expect(find(render(ir, "overlays/prod"), "Deployment")!.spec.template.spec.containers[0].image).toBe("spam-serve:0123456789ab");
    for (const job of render(ir, "overlays/prod/jobs").filter((o) => o.kind === "Job")) {
      expect(job.spec.template.spec.containers[0].image).toMatch(/^spam-(ingest|register|train|compile):0123456789ab$/);
    }
    expect(find(render(ir, "overlays/dev"), "Deployment")!.spec.template.spec.containers[0].image).toBe("spam-serve:latest");
  });

  test("resources and serve settings of an environment reach the Deployment and the ConfigMap", async () => {
    const ir = withEnv(await exampleIr("spam"), "prod", (e) => envServe(e, { resources: { cpu: "2", memory: "1Gi" }, workers: 2 }));
    const prod = render(ir, "overlays/prod");
    expect(find(prod, "Deployment")!.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } });
    expect(find(prod, "ConfigMap")!.data.MESH_WORKERS).toBe("2");
    // Only what differs: the probes and the rest of the container survive the patch.
    expect(find(prod, "Deployment")!.spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe("/spam/v1/ready");
  });

  test("replicas 0 in an environment: no autoscaler, the Deployment scaled to zero", async () => {
    const ir = withEnv(await exampleIr("spam"), "prod", (e) => envServe(e, { replicas: 0 }));
    const prod = render(ir, "overlays/prod");
    expect(find(prod, "HorizontalPodAutoscaler")).toBeUndefined();
    expect(find(prod, "Deployment")!.spec.replicas).toBe(0);
  });

  test("download mode: the dev overlay mounts the file registry read-only, prod reads S3", async () => {
    const ir = withDownload(await exampleIr("spam"));
    const dev = render(ir, "overlays/dev");
    const devPod = find(dev, "Deployment")!.spec.template.spec;
    expect(find(dev, "ConfigMap")!.data.MESH_REGISTRY).toBe("file:///var/lib/mesh/registry");
    expect(devPod.containers[0].volumeMounts).toContainEqual({ name: "registry", mountPath: "/var/lib/mesh/registry", readOnly: true });
    const prod = render(ir, "overlays/prod");
    expect(find(prod, "ConfigMap")!.data.MESH_REGISTRY).toBe("s3://model-store-prod/mesh");
    expect(find(prod, "Deployment")!.spec.template.spec.volumes.map((v: Any) => v.name)).toEqual(["tmp"]);
  });

  test("Neuron variant: one Neuron device, inf2 nodes only, tolerates the Neuron taint", async () => {
    const neuron = render(await exampleIr("spam"), "neuron");
    const pod = find(neuron, "Deployment")!.spec.template.spec;
    expect(pod.containers[0].resources.limits["aws.amazon.com/neuron"]).toBe("1");
    expect(pod.containers[0].resources.requests["aws.amazon.com/neuron"]).toBe("1");
    expect(pod.tolerations).toContainEqual({ key: "aws.amazon.com/neuron", operator: "Exists", effect: "NoSchedule" });
    const terms = pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0];
    expect(terms.key).toBe("node.kubernetes.io/instance-type");
    expect(terms.values.every((v: string) => v.startsWith("inf2."))).toBe(true);
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe("/spam/v1/ready");
  });

  test("projects without a Neuron target get no Neuron variant", async () => {
    expect(k8sFiles(await exampleIr("iris")).some((f) => f.path.startsWith("k8s/neuron/"))).toBe(false);
  });
});
