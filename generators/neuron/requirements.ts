/**
 * requirements.txt of the Neuron scripts, pinned to one Neuron SDK release. The AWS Neuron
 * deep-learning containers the images start FROM already hold these exact versions; the
 * file pins them for anyone installing by hand (pip, with the Neuron repository).
 */
import type { ProjectIR } from "../../compiler/ir.js";

interface SdkPins {
  /** inf2/trn1 (torch-neuronx + neuronx-cc). */
  readonly neuronx: readonly string[];
  /** inf1 (torch-neuron + neuron-cc, torch 1.13). */
  readonly neuron: readonly string[];
}

/**
 * Package versions of a Neuron SDK release, from its release-content list. Add a release
 * here when mesh.yaml's toolchain.neuron_sdk moves to it.
 */
export const NEURON_SDK_PINS: Readonly<Record<string, SdkPins>> = {
  "2.20.0": {
    neuronx: ["torch-neuronx==2.1.2.2.3.0", "neuronx-cc==2.15.128.0"],
    neuron: ["torch-neuron==1.13.1.2.10.12.0", "neuron-cc[tensorflow]==1.24.0.0", "torch==1.13.1"],
  },
};

/** The versions the CPU path and the server are tested with here (Debian bookworm). */
const COMMON = ["onnx==1.12.0", "numpy==1.24.2"];

/** The header, the Neuron repository and the SDK (+ torch) pins of one instance family. */
function sdkLines(header: string, ir: ProjectIR, instance: "inf1" | "inf2" | "trn1"): string[] {
  const sdk = ir.images.neuronSdk;
  const pins = NEURON_SDK_PINS[sdk];
  const family = instance === "inf1" ? "neuron" : "neuronx";
  const lines = [`# ${header}`, `# Neuron SDK ${sdk} for ${instance}; install with: pip install -r requirements.txt`, "--extra-index-url https://pip.repos.neuron.amazonaws.com"];
  if (pins) lines.push(...pins[family], ...(family === "neuronx" ? [`torch==${ir.images.torch}`] : []));
  else lines.push(`# no pins recorded for Neuron SDK ${sdk} in generators/neuron/requirements.ts: add its release content there`, `torch==${ir.images.torch}`);
  return lines;
}

export function requirementsTxt(header: string, ir: ProjectIR, instance: "inf1" | "inf2" | "trn1", serve: boolean): string {
  const lines = [...sdkLines(header, ir, instance), ...COMMON];
  if (serve) lines.push("fastapi==0.92.0", "uvicorn==0.17.6");
  return `${lines.join("\n")}\n`;
}

/**
 * The transformer programs need torch and numpy only (no onnx: the model comes from
 * torchscript.pt or from_pretrained; no web framework: the server is mesh's Node server).
 */
export function transformerRequirementsTxt(header: string, ir: ProjectIR, instance: "inf1" | "inf2" | "trn1", serve: boolean): string {
  const lines = [...sdkLines(header, ir, instance), "numpy==1.24.2"];
  if (!serve) {
    lines.push("# transformers is not pinned: compile.py uses from_pretrained when the interpreter has it,", "# else the model folder's torchscript.pt");
  }
  return `${lines.join("\n")}\n`;
}
