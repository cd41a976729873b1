/**
 * The workspace CI workflow: `out/ci/workflow.yaml`, one GitHub Actions workflow for every
 * project, generated from the specs (so a new project gets its jobs, and a job name cannot be
 * misspelt). Install it by copying it to `.github/workflows/`; its first gate fails when the copy
 * or any generated output is stale.
 */
import { stringify } from "yaml";
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { headerComment } from "../support/header.js";
import { changesJob } from "./changes.js";
import { JOB_IDS, coreImagesJob, generateJob, neuronJob, projectJob, unitTestsJob, type Job } from "./jobs.js";

export const WORKFLOW_FILE = "workflow.yaml";

export function workflowHeader(irs: readonly ProjectIR[]): string {
  return headerComment("#", ["mesh.yaml", ...irs.map((ir) => ir.specPath).sort()]);
}

/** The workflow as data. */
export function workflowModel(irs: readonly ProjectIR[]): Record<string, unknown> {
  const sorted = [...irs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const branches = [...(sorted[0]?.ci.branches ?? ["main"])];
  const jobs: Record<string, Job> = {
    [JOB_IDS.generate]: generateJob(sorted),
    [JOB_IDS.unitTests]: unitTestsJob(sorted),
    [JOB_IDS.changes]: changesJob(sorted),
    [JOB_IDS.coreImages]: coreImagesJob(sorted),
  };
  for (const ir of sorted) jobs[JOB_IDS.project(ir)] = projectJob(sorted, ir);
  for (const ir of sorted) {
    const job = neuronJob(sorted, ir);
    if (job) jobs[JOB_IDS.neuron(ir)] = job;
  }
  return {
    name: "mesh",
    on: { push: { branches }, pull_request: {}, workflow_dispatch: {} },
    permissions: { contents: "read" },
    concurrency: { group: "mesh-${{ github.ref }}", "cancel-in-progress": true },
    jobs,
  };
}

/** Files under `out/ci/`. An empty workspace gets no workflow. */
export function generateCiWorkflow(irs: readonly ProjectIR[]): GeneratedFile[] {
  if (irs.length === 0) return [];
  // Keys in insertion order (name, on, jobs in lineage order) read better than sorted ones; the order is fixed by code.
  const body = stringify(workflowModel(irs), { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
  return [{ path: WORKFLOW_FILE, contents: `${workflowHeader(irs)}\n${body}`, mode: 0o644 }];
}
