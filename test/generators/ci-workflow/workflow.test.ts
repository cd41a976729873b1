/**
 * The generated CI workflow: GitHub's parser accepts it, jobs run in lineage order behind the
 * generate gate, every `needs.<job>` an expression reads is a declared dependency (the seed's
 * silent skip), pushes and Neuron jobs stay out of pull requests, and every shell script passes
 * shellcheck.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import type { ProjectIR } from "../../../compiler/ir.js";
import { generateCiWorkflow } from "../../../generators/ci-workflow/index.js";
import { INSTALLED_WORKFLOW_CHECK } from "../../../generators/ci-workflow/jobs.js";
import { EXAMPLES, exampleIr } from "../../support/k8s/support.js";
import { parseWithGithub } from "../../support/k8s/workflow-parser.js";

type Any = Record<string, any>;

async function examples(): Promise<ProjectIR[]> {
  return Promise.all(EXAMPLES.map((n) => exampleIr(n)));
}
const text = (irs: readonly ProjectIR[]) => generateCiWorkflow(irs)[0]!.contents;
const model = (irs: readonly ProjectIR[]) => parse(text(irs)) as { on: Any; jobs: Any };
const withPrefix = (ir: ProjectIR): ProjectIR => ({ ...ir, images: { ...ir.images, prefix: "123456789012.dkr.ecr.us-east-1.amazonaws.com/mesh" } });

/** Every job a job depends on, directly or not. */
function ancestors(jobs: Any, id: string, seen = new Set<string>()): Set<string> {
  for (const n of (jobs[id]?.needs ?? []) as string[]) {
    if (!seen.has(n)) {
      seen.add(n);
      ancestors(jobs, n, seen);
    }
  }
  return seen;
}

describe("GitHub's parser", () => {
  test("accepts the workflow of the examples, with and without an image prefix", async () => {
    for (const irs of [await examples(), (await examples()).map(withPrefix)]) {
      const parsed = parseWithGithub(text(irs));
      expect(parsed.errors).toEqual([]);
      expect(parsed.jobs.map((j) => j.id).sort()).toEqual(Object.keys(model(irs).jobs).sort());
    }
  });

  test("bites: a misspelt dependency or an unknown key is an error", async () => {
    const good = text(await examples());
    expect(parseWithGithub(good.replace("      - core-images\n", "      - core-image\n")).errors.join("\n")).toMatch(/unknown job 'core-image'/);
    expect(parseWithGithub(good.replace("    runs-on: ubuntu-latest\n", "    runs_on: ubuntu-latest\n")).errors.length).toBeGreaterThan(0);
  });
});

describe("structure", () => {
  test("generate --check is the first gate: every other job depends on it, and it depends on nothing", async () => {
    const { jobs } = model(await examples());
    expect(jobs.generate.needs).toBeUndefined();
    expect(jobs.generate.steps.map((s: Any) => s.run).filter(Boolean)).toEqual(["npm ci", "npm run build", "node bin/mesh.js validate", "node bin/mesh.js generate --check", INSTALLED_WORKFLOW_CHECK]);
    for (const id of Object.keys(jobs).filter((j) => j !== "generate")) expect(ancestors(jobs, id).has("generate"), id).toBe(true);
  });

  test("image-lineage order: core images before every project job, project before its Neuron compile", async () => {
    const irs = await examples();
    const { jobs } = model(irs);
    for (const ir of irs) {
      expect(jobs[`project-${ir.name}`].needs).toContain("core-images");
      expect(jobs[`project-${ir.name}`].if).toBe(`needs.changes.outputs.${ir.name} == 'true'`);
    }
    expect(jobs["compile-neuron-spam"].needs).toContain("project-spam");
    expect(Object.keys(jobs).filter((j) => j.startsWith("compile-neuron-"))).toEqual(["compile-neuron-spam"]);
  });

  test("every needs.<job> an expression reads is a declared dependency, and every project output exists", async () => {
    const irs = await examples();
    const { jobs } = model(irs);
    for (const [id, job] of Object.entries(jobs)) {
      const refs = [...JSON.stringify(job).matchAll(/needs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)];
      for (const [, dep, output] of refs) {
        expect(ancestors(jobs, id).has(dep!) && (job.needs as string[]).includes(dep!), `${id} reads needs.${dep}`).toBe(true);
        expect(Object.keys(jobs[dep!].outputs ?? {}), `${dep} outputs`).toContain(output);
      }
    }
    expect(Object.keys(jobs.changes.outputs).sort()).toEqual(["any", ...irs.map((ir) => ir.name)].sort());
  });

  test("pushes only outside pull requests, and only with a registry prefix to push to", async () => {
    const plain = model(await examples()).jobs;
    expect(JSON.stringify(plain)).not.toContain("--push");
    const { jobs } = model((await examples()).map(withPrefix));
    for (const [id, job] of Object.entries(jobs)) {
      for (const step of job.steps as Any[]) {
        if (/--push|docker login/.test(String(step.run))) expect(step.if, `${id}: ${step.name}`).toBe("github.event_name != 'pull_request'");
      }
    }
    const push = (jobs["project-spam"].steps as Any[]).find((s) => s.run === "node bin/mesh.js build spam --push");
    expect(push).toBeDefined();
    expect(JSON.stringify(jobs)).not.toMatch(/password: |"[A-Za-z0-9+/]{40}"/);
  });

  test("Neuron compile runs on the runner labels from mesh.yaml, never for pull requests", async () => {
    const irs = await examples();
    expect(model(irs).jobs["compile-neuron-spam"]["runs-on"]).toEqual(["self-hosted", "inf2"]);
    expect(model(irs).jobs["compile-neuron-spam"].if).toContain("github.event_name != 'pull_request'");
    const custom = irs.map((ir) => ({ ...ir, ci: { ...ir.ci, neuronRunner: ["self-hosted", "linux", "inf2-xl"] } }));
    expect(model(custom).jobs["compile-neuron-spam"]["runs-on"]).toEqual(["self-hosted", "linux", "inf2-xl"]);
  });

  test("deterministic, header first, independent of the order projects come in", async () => {
    const irs = await examples();
    const a = text(irs);
    expect(text([...irs].reverse())).toBe(a);
    expect(a.split("\n")[0]).toBe("# generated by mesh from mesh.yaml, projects/colors/project.yaml, projects/iris/project.yaml, projects/spam/project.yaml; edit the spec and run mesh generate");
    expect(generateCiWorkflow([])).toEqual([]);
  });
});

test("every run script passes shellcheck (expressions replaced by a placeholder word)", async () => {
  const { jobs } = model((await examples()).map(withPrefix));
  const scripts = Object.values(jobs).flatMap((j) => (j.steps as Any[]).map((s) => s.run).filter((r): r is string => typeof r === "string"));
  expect(scripts.length).toBeGreaterThan(10);
  for (const script of new Set(scripts)) {
    const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", "-"], { input: script.replace(/\$\{\{[^}]*\}\}/g, "placeholder"), encoding: "utf8" });
    if (r.error) throw new Error(`shellcheck is needed by test/generators/k8s: ${r.error.message}`);
    expect(r.stdout, script).toBe("");
    expect(r.status, script).toBe(0);
  }
});
