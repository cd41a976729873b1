/**
 * The entry point of the lifecycle step images:
 *
 *   node …/runtimes/lifecycle/step-main.js --config /app/step.json [--step train] [--target KIND] [--force] [--check]
 *                                          [--source URI] [--params JSON]
 *
 * It reads the lowered step configuration (written by `mesh generate` beside the step's
 * Dockerfile) and runs that step against the registry in MESH_REGISTRY (else the config's).
 * No spec, no compiler: the image carries data and the runtimes. `--check` only reads and
 * verifies the configuration (the image's build-time check). `--source` / `--params` are a
 * run's overrides (the generated Argo WorkflowTemplate's parameters), checked as `mesh run`
 * checks them. Exit 0 done · 1 the step failed · 2 bad arguments or an unusable config ·
 * 3 a gate failed (never retried).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { isRegistryError } from "../registry/index.js";
import { LIFECYCLE_STEPS, type LifecycleStep } from "./config.js";
import { isLifecycleError } from "./errors.js";
import { stderrLog } from "./progress.js";
import { applyRunOverrides } from "./run-overrides.js";
import { parseRunConfig, type RunConfig } from "./run-config.js";
import { runSteps } from "./run-steps.js";

const USAGE = "usage: step-main.js --config FILE [--step STEP] [--target KIND] [--force] [--check] [--source URI] [--params JSON]";

function usage(message: string): never {
  process.stderr.write(`step-main: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<number> {
  let values: { config?: string; step?: string; target?: string; force?: boolean; check?: boolean; source?: string; params?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: "string" },
        step: { type: "string" },
        target: { type: "string" },
        force: { type: "boolean" },
        check: { type: "boolean" },
        source: { type: "string" },
        params: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (!values.config) return usage("--config is required");
  if (values.step !== undefined && !LIFECYCLE_STEPS.includes(values.step as LifecycleStep)) return usage(`--step must be one of ${LIFECYCLE_STEPS.join(", ")}`);
  let config: RunConfig;
  try {
    config = parseRunConfig(readFileSync(values.config, "utf8"), values.config);
  } catch (err) {
    return usage((err as Error).message);
  }
  const step = (values.step as LifecycleStep | undefined) ?? config.step;
  if (values.step && config.step && values.step !== config.step) return usage(`${values.config} configures the ${config.step} step, not ${values.step}`);
  if (step && config.lifecycle[step] === undefined) return usage(`${config.lifecycle.project} has no ${step} step`);
  const lifecycle = applyRunOverrides(config.lifecycle, { ...(values.source !== undefined ? { source: values.source } : {}), ...(values.params !== undefined ? { params: values.params } : {}) });
  if (typeof lifecycle === "string") return usage(lifecycle);
  config = { ...config, lifecycle };
  if (values.check) {
    process.stdout.write(`${JSON.stringify({ project: config.lifecycle.project, step: step ?? null, mesh: config.lifecycle.toolVersion })}\n`);
    return 0;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await runSteps(config, {
      root: resolve(process.cwd()),
      env: process.env,
      report: out,
      log: stderrLog,
      ...(step ? { only: step } : {}),
      ...(values.target ? { targetKind: values.target } : {}),
      ...(values.force ? { force: true } : {}),
      onRegistry: (uri) => out(`mesh step ${config.lifecycle.project}${step ? ` ${step}` : ""}: registry ${uri}`),
    });
    return 0;
  } catch (err) {
    if (isLifecycleError(err)) {
      process.stderr.write(`step-main: ${err.step} failed: ${err.message}\n`);
      return err.exitCode;
    }
    if (isRegistryError(err)) process.stderr.write(`step-main: ${err.message}\n`);
    else throw err;
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
