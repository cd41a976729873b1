/** The lifecycle runtime: `runLifecycle` and the configs `mesh run` maps the IR into. */
export { runLifecycle } from "./run-lifecycle.js";
export { LIFECYCLE_STEPS, type LifecycleConfig, type LifecycleOptions, type LifecycleStep, type StepOutcome, type StepStatus } from "./config.js";
export { EXIT_FAILURE, EXIT_GATE_FAILED, LifecycleError, isLifecycleError } from "./errors.js";
export { stderrLog, silentLog, type Log } from "./progress.js";
