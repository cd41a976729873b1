/**
 * The workflow's jobs, in image-lineage order:
 *   generate (first gate: validate + `mesh generate --check`) → changes → core-images
 *   (mesh-base → mesh-serve / mesh-train) → one job per changed project (lifecycle, contract
 *   tests, image build; push outside pull requests) → Neuron compile on the Neuron runner.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { hasNeuronTarget } from "../support/container-run.js";
import { mesh, setup, type Step } from "./steps.js";

export type Job = Record<string, unknown>;

/** Job ids: fixed ones, and per project (names are DNS labels, valid in ids and expressions). */
export const JOB_IDS = {
  generate: "generate",
  unitTests: "unit-tests",
  changes: "changes",
  coreImages: "core-images",
  project: (ir: ProjectIR) => `project-${ir.name}`,
  neuron: (ir: ProjectIR) => `compile-neuron-${ir.name}`,
} as const;

export const OUTSIDE_PULL_REQUESTS = "github.event_name != 'pull_request'";
const changed = (ir: ProjectIR) => `needs.${JOB_IDS.changes}.outputs.${ir.name} == 'true'`;

export function generateJob(irs: readonly ProjectIR[]): Job {
  return {
    name: "Specs validate and generated output is current",
    "runs-on": "ubuntu-latest",
    steps: [
      ...setup(irs),
      { name: "Validate specs", run: mesh("validate") },
      { name: "Generated output is current", run: mesh("generate --check") },
      { name: "This workflow is the generated one", run: INSTALLED_WORKFLOW_CHECK },
    ],
  };
}

/**
 * The running workflow file (from GITHUB_WORKFLOW_REF, `owner/repo/<path>@<ref>`) must equal
 * out/ci/workflow.yaml, so a stale copy in .github/workflows/ fails the gate.
 */
export const INSTALLED_WORKFLOW_CHECK = [
  "set -euo pipefail",
  'installed="${GITHUB_WORKFLOW_REF#*/*/}"',
  'installed="${installed%@*}"',
  'if ! cmp -s out/ci/workflow.yaml "$installed"; then',
  '  echo "::error file=$installed::$installed differs from out/ci/workflow.yaml; run: cp out/ci/workflow.yaml $installed"',
  "  exit 1",
  "fi",
  "",
].join("\n");

export function unitTestsJob(irs: readonly ProjectIR[]): Job {
  return {
    name: "mesh test suite",
    "runs-on": "ubuntu-latest",
    needs: [JOB_IDS.generate],
    steps: [...setup(irs), { name: "Type-check", run: "npm run typecheck" }, { name: "Tests", run: "npx vitest run" }],
  };
}

export function coreImagesJob(irs: readonly ProjectIR[]): Job {
  return {
    name: "Core images (mesh-base, mesh-serve, mesh-train)",
    "runs-on": "ubuntu-latest",
    needs: [JOB_IDS.generate, JOB_IDS.changes],
    if: `needs.${JOB_IDS.changes}.outputs.any == 'true'`,
    steps: [...setup(irs), { name: "Build the core image lineage", run: mesh("images build mesh-serve mesh-train") }],
  };
}

/** Pushing needs a registry prefix; the login reads the registry host from it and the secrets by name. */
function pushSteps(ir: ProjectIR): Step[] {
  if (ir.images.prefix === "") return [];
  const host = ir.images.prefix.split("/")[0]!;
  return [
    {
      name: "Log in to the image registry",
      if: OUTSIDE_PULL_REQUESTS,
      env: { REGISTRY_HOST: host, REGISTRY_USER: "${{ secrets.MESH_REGISTRY_USER }}", REGISTRY_PASSWORD: "${{ secrets.MESH_REGISTRY_PASSWORD }}" },
      run: 'printf \'%s\' "$REGISTRY_PASSWORD" | docker login "$REGISTRY_HOST" --username "$REGISTRY_USER" --password-stdin\n',
    },
    { name: "Push images", if: OUTSIDE_PULL_REQUESTS, run: mesh(`build ${ir.name} --push`) },
  ];
}

/** The ci environment's serve.alias (lowered modelRef) picks the version the contract tests serve and the image bakes. */
function ciModelRef(ir: ProjectIR): { env?: Record<string, string> } {
  const ref = ir.environments.find((e) => e.name === "ci")?.modelRef;
  return ref && ref !== "latest" ? { env: { MESH_MODEL_REF: ref } } : {};
}

export function projectJob(irs: readonly ProjectIR[], ir: ProjectIR): Job {
  const lifecycle: Step[] = ir.kind === "Project" ? [{ name: "Lifecycle (ingest, register, train, compile)", run: mesh(`run ${ir.name} --no-serve`) }] : [];
  return {
    name: `${ir.name}: lifecycle, contract tests, images`,
    "runs-on": "ubuntu-latest",
    needs: [JOB_IDS.generate, JOB_IDS.changes, JOB_IDS.coreImages],
    if: changed(ir),
    steps: [
      ...setup(irs),
      ...lifecycle,
      { name: "Contract tests", run: mesh(`test ${ir.name}`), ...ciModelRef(ir) },
      { name: "Build images", run: mesh(`build ${ir.name}`), ...ciModelRef(ir) },
      ...pushSteps(ir),
    ],
  };
}

/** Neuron compile on the Neuron runner; never for pull requests (self-hosted runners must not run untrusted code). */
export function neuronJob(irs: readonly ProjectIR[], ir: ProjectIR): Job | undefined {
  if (!hasNeuronTarget(ir)) return undefined;
  return {
    name: `${ir.name}: Neuron compile`,
    "runs-on": [...ir.ci.neuronRunner],
    needs: [JOB_IDS.changes, JOB_IDS.project(ir)],
    if: `${changed(ir)} && ${OUTSIDE_PULL_REQUESTS}`,
    steps: [...setup(irs), { name: "Train", run: mesh(`run ${ir.name} --no-serve`) }, { name: "Compile for AWS Neuron", run: mesh(`run ${ir.name} --only compile --target neuron`) }],
  };
}
