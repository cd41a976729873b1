/**
 * The Makefile's rules, as data, from the IR. Every target delegates to the tested `mesh`
 * CLI (or to docker for `run-<step>`, `up`, `down`), so the Makefile holds no logic of its own.
 * Recipe text is built only from identifiers the schema validated (project name, steps, image
 * names, registry URIs) and quoted references to the exported variables.
 */
import type { LifecycleStep, ProjectIR, StepName } from "../../compiler/ir.js";
import { CONTAINER_USER, REGISTRY_MOUNT, REGISTRY_MOUNT_URI, fileRegistryPath, hasNeuronTarget, stepRepository, stopGraceSeconds } from "./container-run.js";
import { phony, type MakeRule } from "./make-rule.js";
import { recipeWord } from "./shell.js";

/** What `make help` says about itself. */
export const HELP_DESCRIPTION = "list the targets and variables (the default goal)";

/**
 * Workspace folders (relative to ROOT) holding files `mesh` derives for one project, safe to
 * delete because the commands re-create them: the lifecycle's scratch and ingest snapshot
 * (`.mesh/work/<name>`, runtimes/lifecycle) and load-test reports (`.mesh/reports/<name>`,
 * `mesh load`). The model registry and out/ are deliberately not here.
 */
export function derivedDirs(name: string): string[] {
  return [".mesh/work", ".mesh/reports"].map((d) => `${d}/${name}`);
}

/** A mesh command run from the workspace root: `cd "$ROOT" && $MESH …` (MESH split into words). */
const mesh = (args: string): string => `cd "$$ROOT" && $$MESH ${args}`;

const STEP_HELP: Readonly<Record<LifecycleStep, string>> = {
  ingest: "fetch the raw data into the registry (mesh run --only ingest)",
  register: "validate, split and register the dataset version (mesh run --only register)",
  train: "train, check the gates, register <KEY>-TRAINED-<n> (mesh run --only train)",
  compile: "compile and validate, register <KEY>-COMPILED-<n> (mesh run --only compile)",
};

function lifecycleRules(ir: ProjectIR): MakeRule[] {
  const rules = ir.lifecycleSteps.map((step) => phony(step, STEP_HELP[step].replace("<KEY>", ir.key), mesh(`run ${ir.name} --only ${step}`)));
  if (hasNeuronTarget(ir)) {
    rules.push(
      phony("compile-neuron", "compile for AWS Neuron (needs an Inferentia/Trainium host)", mesh(`run ${ir.name} --only compile --target neuron`)),
      phony("compile-neuron-cpu", "trace the Neuron model on CPU with the same shapes and validate it", mesh(`run ${ir.name} --only compile --target cpu`)),
    );
  }
  if (ir.kind === "Project") {
    rules.push(phony("run", "the whole lifecycle, skipping unchanged steps, without serving", mesh(`run ${ir.name} --no-serve`)));
  }
  return rules;
}

function serviceRules(ir: ProjectIR): MakeRule[] {
  return [
    phony(
      "serve",
      ir.kind === "App" ? "serve the external model on 127.0.0.1:$(PORT)" : "serve the version the serve.alias of $(ENV) names (else the newest) on 127.0.0.1:$(PORT)",
      // --env applies the serving pick rule: MESH_MODEL_REF, else the environment's alias, else the newest.
      mesh(ir.kind === "App" ? `serve ${ir.name} --port "$$PORT"` : `serve ${ir.name} --port "$$PORT" --env "$$ENV"`),
    ),
    phony("test", "contract tests: start a server on a free loopback port, run the spec's examples", mesh(`test ${ir.name}`)),
    phony("load", "bounded load test on loopback, checks the spec's slo, writes a JSON report", mesh(`load ${ir.name}`)),
    // The folder checked is this one, wherever `--out` put it: its parent is the output root.
    phony("generate-check", "fail when this folder differs from what the spec generates", `here="$$(pwd -P)" && ${mesh(`generate --check ${recipeWord(ir.specPath)} --out "$$here/.."`)}`),
  ];
}

/** `docker run` of one step image: non-root, registry mounted, serve published on loopback only. */
function dockerRun(ir: ProjectIR, step: StepName): string {
  const args = ["docker run --rm", `--user ${CONTAINER_USER}`];
  const local = fileRegistryPath(ir.registry);
  const needsRegistry = step !== "serve" || ir.serve.image.model === "download";
  const prepare: string[] = [];
  if (needsRegistry) {
    if (local !== undefined) {
      // Created here, not by docker, so the folder belongs to the user and not to root.
      prepare.push(`mkdir -p ${recipeWord(local)}`);
      const source = local.startsWith("/") ? recipeWord(local) : `"$$PWD"/${recipeWord(local)}`;
      args.push(`-v ${source}:${REGISTRY_MOUNT}`);
    }
    // REGISTRY (exported as MESH_REGISTRY) wins; otherwise the mounted workspace registry.
    args.push(`-e MESH_REGISTRY="$\${MESH_REGISTRY:-${local !== undefined ? REGISTRY_MOUNT_URI : ir.registry}}"`);
    if (step === "serve") {
      prepare.push(modelRefOfEnv(ir));
      // An explicit MESH_MODEL_REF wins, as it does for mesh serve, compose and k8s.
      args.push('-e MESH_MODEL_REF="$${MESH_MODEL_REF:-$$ref}"');
    }
  }
  if (step === "serve") {
    args.push("--read-only --tmpfs /tmp", `--stop-timeout ${stopGraceSeconds(ir)}`, `-p "127.0.0.1:$$PORT:${ir.serve.containerPort}"`);
  }
  args.push(`"${stepRepository(ir, step)}:$$IMAGE_TAG"`);
  return ['cd "$$ROOT"', ...prepare, args.join(" ")].join(" && ");
}

/**
 * Sets `ref` to the lowered modelRef of $(ENV) (its serve.alias, else latest), refusing an ENV the
 * spec does not have: the same version compose's profile and the k8s overlay of that environment serve.
 */
function modelRefOfEnv(ir: ProjectIR): string {
  const byRef = new Map<string, string[]>();
  for (const env of ir.environments) byRef.set(env.modelRef, [...(byRef.get(env.modelRef) ?? []), env.name]);
  const names = ir.environments.map((e) => e.name);
  const arms = [...byRef].map(([ref, envs]) => `${envs.join("|")}) ref=${recipeWord(ref)} ;;`);
  return `case "$$ENV" in ${arms.join(" ")} *) echo "ENV must be one of: ${names.join(", ")}" >&2; exit 2 ;; esac`;
}

function imageRules(ir: ProjectIR): MakeRule[] {
  const steps = ir.stepImages.map((s) => s.step);
  return [
    phony("build", "build every step image with dockerode (mesh build)", mesh(`build ${ir.name}`)),
    ...steps.map((step) => phony(`build-${step}`, `build the ${step} image`, mesh(`build ${ir.name} --step ${step}`))),
    phony("push", "build and push the images to the registry prefix in mesh.yaml", mesh(`build ${ir.name} --push`)),
    ...steps.map((step) =>
      phony(`run-${step}`, step === "serve" ? "run the serve image, published on 127.0.0.1:$(PORT)" : `run the ${step} image against the workspace registry`, dockerRun(ir, step)),
    ),
    phony("up", "docker compose up the $(ENV) profile of compose.yaml", 'docker compose -f compose.yaml --profile "$$ENV" up'),
    phony("down", "docker compose down the $(ENV) profile", 'docker compose -f compose.yaml --profile "$$ENV" down'),
  ];
}

function cleanRule(ir: ProjectIR): MakeRule {
  const dirs = derivedDirs(ir.name).map(recipeWord).join(" ");
  return phony("clean", `delete ${derivedDirs(ir.name).join(", ")} (re-created on demand); keeps the registry and generated files`, `cd "$$ROOT" && rm -rf -- ${dirs}`);
}

/** Every rule except `help`, in the order `make help` lists them. */
export function makeRules(ir: ProjectIR): MakeRule[] {
  return [...lifecycleRules(ir), ...serviceRules(ir), ...imageRules(ir), cleanRule(ir)];
}
