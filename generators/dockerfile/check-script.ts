/**
 * The build-time check each step image runs in its `check` stage, as the non-root user and
 * with no network: it proves the staged dependencies load on the image's platform (native
 * onnxruntime binding, shared libraries) and, for a baked serve image, that the model opens
 * and has the inputs the spec declares. A broken image fails `mesh build`, not production.
 * The script is one line of CommonJS for `node -e` (exec form, no shell in the base needed).
 */
import type { ProjectIR, StepName } from "../../compiler/ir.js";
import { bakesModel, CONTAINER, STEP_MAIN } from "../support/image-layout.js";

const done = (what: string) => `require("fs").writeFileSync(${JSON.stringify(CONTAINER.checkFile)},JSON.stringify(${what})+"\\n")`;
const fail = `e=>{console.error("mesh image check failed: "+(e&&e.message||e));process.exit(1)}`;

/** `node -e` source for the step's check stage. */
export function checkScript(ir: ProjectIR, step: StepName): string {
  const ort = JSON.stringify(`${CONTAINER.nodeModules}/onnxruntime-node`);
  if (step !== "serve") {
    // The entry point loads every runtime the step imports and reads the step's configuration.
    const argv = JSON.stringify([STEP_MAIN, "--config", CONTAINER.stepConfig, "--step", step, "--check"]);
    return [
      `require(${ort})`,
      `const r=require("child_process").spawnSync(process.execPath,${argv},{encoding:"utf8"})`,
      `if(r.status!==0){console.error("mesh image check failed: step-main --check: "+r.stderr);process.exit(1)}`,
      done(`{step:${JSON.stringify(step)},config:JSON.parse(r.stdout)}`),
    ].join(";");
  }
  if (!bakesModel(ir)) return [`require(${ort})`, done(`{step:"serve",model:"download"}`)].join(";");
  const model = JSON.stringify(`${CONTAINER.model}/${ir.model.transformer?.modelFile ?? "model.onnx"}`);
  const inputs = JSON.stringify(ir.model.inputs.map((t) => t.name));
  return (
    `const ort=require(${ort});` +
    `ort.InferenceSession.create(${model}).then(s=>{` +
    `const missing=${inputs}.filter(n=>!s.inputNames.includes(n));` +
    `if(missing.length)throw new Error("the model lacks the inputs the spec declares: "+missing.join(", ")+" (it has "+s.inputNames.join(", ")+")");` +
    `${done(`{step:"serve",inputs:s.inputNames,outputs:s.outputNames}`)}}).catch(${fail})`
  );
}
