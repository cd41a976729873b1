/**
 * The Argo WorkflowTemplate runs exactly what `mesh build` built and what the step runtimes
 * run: the same steps in the same order, the same images, the same environment and registry,
 * and parameters whose defaults change nothing. Retries: transient failures (exit 1, a lost
 * pod) are retried, a failed gate (exit EXIT_GATE_FAILED) and a usage error (2) never.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { imageRepository } from "../../../compiler/images/build-step.js";
import { lifecycleConfig } from "../../../compiler/cli/commands/run.js";
import { applyRunOverrides } from "../../../runtimes/lifecycle/run-overrides.js";
import type { ProjectIR } from "../../../compiler/ir.js";
import { stepJob } from "../../../generators/k8s/jobs.js";
import { RETRY_EXPRESSION, cronWorkflow, workflowTemplate } from "../../../generators/k8s/workflow.js";
import { EXIT_GATE_FAILED, LIFECYCLE_STEPS, LifecycleError } from "../../../runtimes/lifecycle/index.js";
import { resolveRegistryUri } from "../../../runtimes/registry/index.js";
import { validateObject } from "../../support/k8s/models.js";
import { kustomize, removeTrees, writeTree } from "../../support/k8s/kubectl.js";
import { ROOT, exampleIr, k8sFiles } from "../../support/k8s/support.js";
import { afterAll } from "vitest";
import { stepJob as jobOf } from "../../../generators/k8s/jobs.js";

interface Template {
  name: string;
  dag?: { tasks: { name: string; template: string; dependencies?: string[] }[] };
  retryStrategy?: { limit: number; expression: string; backoff: { duration: string; factor: number } };
  container?: { image: string; command?: string[]; args?: string[]; env: { name: string; value: string }[]; envFrom: unknown; resources: unknown; securityContext: unknown; volumeMounts: unknown };
  volumes?: unknown;
}
interface WorkflowTemplateData {
  spec: { entrypoint: string; arguments: { parameters: { name: string; value: string }[] }; templates: Template[] };
}

const wf = (ir: ProjectIR) => workflowTemplate(ir) as unknown as WorkflowTemplateData;
const parameter = (w: WorkflowTemplateData, name: string) => w.spec.arguments.parameters.find((p) => p.name === name)?.value;
/** `{{workflow.parameters.x}}` → the parameter's default, as Argo substitutes it when nothing is passed. */
const substitute = (w: WorkflowTemplateData, text: string) => text.replace(/\{\{workflow\.parameters\.([a-z-]+)\}\}/g, (_, n: string) => parameter(w, n) ?? `<no ${n}>`);

/** Argo's retry expression (expr-lang) evaluated the way the controller does for these operators. */
function retried(lastRetry: { status: "Failed" | "Error"; exitCode: string }): boolean {
  const js = RETRY_EXPRESSION.replaceAll("asInt(", "Number(");
  return new Function("lastRetry", `return ${js};`)(lastRetry) as boolean;
}

describe.each(["spam", "iris", "sentiment"])("%s: the lifecycle WorkflowTemplate", (name) => {
  test("validates, and its DAG runs the steps the runtime runs, in lineage order, each after the one before", async () => {
    const ir = await exampleIr(name);
    const w = wf(ir);
    validateObject(workflowTemplate(ir));
    const cfg = lifecycleConfig(ir);
    const runtimeOrder = LIFECYCLE_STEPS.filter((s) => cfg[s] !== undefined);
    const dag = w.spec.templates.find((t) => t.name === w.spec.entrypoint)!.dag!.tasks;
    expect(dag.map((t) => t.template)).toEqual(runtimeOrder);
    expect(dag.map((t) => t.dependencies ?? [])).toEqual(runtimeOrder.map((_, i) => (i === 0 ? [] : [runtimeOrder[i - 1]])));
  });

  test("each step runs the image mesh build tags, with the image's own entrypoint (step-main.js --step <step>)", async () => {
    const ir = await exampleIr(name);
    const w = wf(ir);
    for (const step of LIFECYCLE_STEPS.filter((s) => ir.steps.includes(s))) {
      const c = w.spec.templates.find((t) => t.name === step)!.container!;
      expect(substitute(w, c.image)).toBe(`${imageRepository(ir, step)}:latest`);
      expect(c.command).toBeUndefined();
      const dockerfile = readFileSync(join(ROOT, "out", name, step, "Dockerfile"), "utf8");
      expect(dockerfile).toContain(`/runtimes/lifecycle/step-main.js","--config","/app/step.json","--step","${step}"]`);
    }
  });

  test("environment, resources, mounts and registry are the Jobs' own; the registry parameter is what the step runtime resolves", async () => {
    const ir = await exampleIr(name);
    const w = wf(ir);
    for (const step of LIFECYCLE_STEPS.filter((s) => ir.steps.includes(s))) {
      const c = w.spec.templates.find((t) => t.name === step)!.container!;
      const job = stepJob(ir, step).spec!.template.spec!;
      const jc = job.containers[0]!;
      const env = c.env.map((e) => ({ name: e.name, value: substitute(w, e.value) }));
      expect(env).toEqual(jc.env);
      expect([c.envFrom, c.resources, c.securityContext, c.volumeMounts]).toEqual([jc.envFrom, jc.resources, jc.securityContext, jc.volumeMounts]);
      expect(w.spec.templates.find((t) => t.name === step)!.volumes).toEqual(job.volumes);
      const registry = parameter(w, "registry")!;
      // What `mesh run` inside the step image opens: MESH_REGISTRY wins over the baked default.
      expect(resolveRegistryUri(undefined, { MESH_REGISTRY: registry }, "file://.mesh/registry")).toBe(jc.env!.find((e) => e.name === "MESH_REGISTRY")!.value);
    }
  });

  test("per-run parameters reach mesh run, and their defaults leave the run exactly as the spec says", async () => {
    const ir = await exampleIr(name);
    const w = wf(ir);
    const cfg = lifecycleConfig(ir);
    const args = Object.fromEntries(w.spec.templates.filter((t) => t.container?.args).map((t) => [t.name, t.container!.args!.map((a) => substitute(w, a))]));
    const overrides = { ...(args.ingest ? { source: args.ingest[1] } : {}), ...(args.train ? { params: args.train[1] } : {}) };
    expect(Object.keys(args).sort()).toEqual([...(ir.ingest ? ["ingest"] : []), ...(ir.train ? ["train"] : [])].sort());
    expect(applyRunOverrides(cfg, overrides)).toEqual(cfg);
    if (ir.train) {
      const changed = applyRunOverrides(cfg, { params: '{"epochs": 3, "learning_rate": 0.5}' });
      expect(typeof changed !== "string" && changed.train?.params).toEqual({ ...cfg.train!.params, epochs: 3, learningRate: 0.5 });
      expect(applyRunOverrides(cfg, { params: '{"epoch": 3}' })).toMatch(/^--params: .*epoch/);
    }
  });
});

describe("retries", () => {
  test("transient failures and lost pods are retried with backoff; a failed gate and a usage error never", async () => {
    const w = wf(await exampleIr("spam"));
    for (const t of w.spec.templates.filter((x) => x.container)) {
      expect(t.retryStrategy!.expression).toBe(RETRY_EXPRESSION);
      expect(t.retryStrategy!.backoff.factor).toBeGreaterThan(1);
    }
    expect(retried({ status: "Failed", exitCode: "1" })).toBe(true);
    expect(retried({ status: "Error", exitCode: "-1" })).toBe(true);
    expect(retried({ status: "Failed", exitCode: String(EXIT_GATE_FAILED) })).toBe(false);
    expect(retried({ status: "Failed", exitCode: "2" })).toBe(false);
    expect(retried({ status: "Failed", exitCode: "137" })).toBe(false);
  });

  test("a gate failure carries its own exit code, other lifecycle failures exit 1", () => {
    expect(new LifecycleError("train", "gate accuracy >= 0.99 missed", { gate: true }).exitCode).toBe(EXIT_GATE_FAILED);
    expect(new LifecycleError("ingest", "cannot reach").exitCode).toBe(1);
  });
});

describe("CronWorkflow", () => {
  test("only from a spec with schedule:, on its cron in UTC, starting the WorkflowTemplate", async () => {
    const sentiment = await exampleIr("sentiment");
    const cron = cronWorkflow(sentiment) as { spec: { schedules: string[]; timezone: string; concurrencyPolicy: string; workflowSpec: { workflowTemplateRef: { name: string } } } };
    validateObject(cron as never);
    expect(cron.spec.schedules).toEqual([sentiment.schedule!.cron]);
    expect(cron.spec.timezone).toBe("Etc/UTC");
    expect(cron.spec.workflowSpec.workflowTemplateRef.name).toBe((workflowTemplate(sentiment) as { metadata: { name: string } }).metadata.name);
    expect(cronWorkflow(await exampleIr("spam"))).toBeUndefined();
  });

  test("the validator bites on custom resources too", async () => {
    const t = structuredClone(workflowTemplate(await exampleIr("spam"))) as { spec: { templates: { retryStrategy?: { limit: unknown } }[] } };
    t.spec.templates[1]!.retryStrategy!.limit = { nested: true };
    expect(() => validateObject(t as never)).toThrow(/WorkflowTemplate/);
  });
});

describe("environment overlays of the WorkflowTemplate", () => {
  afterAll(removeTrees);
  test("each environment's registry and image tag become the parameter defaults, with the volumes its registry kind needs — as its Jobs", async () => {
    const ir = await exampleIr("spam");
    const root = writeTree(k8sFiles(ir));
    for (const env of ir.environments) {
      const [w] = kustomize(`${root}/k8s/overlays/${env.name}/lifecycle`).filter((o) => o.kind === "WorkflowTemplate") as unknown as WorkflowTemplateData[];
      validateObject(w as never);
      const jobs = kustomize(`${root}/k8s/overlays/${env.name}/jobs`) as {
        kind: string;
        metadata: { name: string };
        spec: { template: { spec: { containers: { env: { name: string; value: string }[]; volumeMounts: unknown }[]; volumes: unknown } } };
      }[];
      for (const step of ["ingest", "register", "train", "compile"] as const) {
        const t = w!.spec.templates.find((x) => x.name === step)!;
        const job = jobs.find((j) => j.kind === "Job" && j.metadata.name === jobOf(ir, step).metadata!.name)!.spec.template.spec;
        expect(substitute(w!, t.container!.env.find((e) => e.name === "MESH_REGISTRY")!.value), `${env.name} ${step}`).toBe(job.containers[0]!.env.find((e) => e.name === "MESH_REGISTRY")!.value);
        // Kustomize's strategic merge puts patched list items first: compare regardless of order.
        const sorted = (xs: unknown) => [...(xs as { name: string }[])].sort((a, b) => a.name.localeCompare(b.name));
        expect([sorted(t.volumes), sorted(t.container!.volumeMounts)], `${env.name} ${step}`).toEqual([sorted(job.volumes), sorted(job.containers[0]!.volumeMounts)]);
      }
    }
  });
});
