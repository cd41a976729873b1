/**
 * run.sh: the compile wrapper. `run.sh [neuron|cpu]` downloads the newest trained version,
 * traces it (compile.py), validates it against its golden predictions (validate.py) and
 * uploads it as <KEY>-COMPILED-<n> linked to its parent — through `mesh run --only compile
 * --target`, whose registry client does download and upload and which runs these same
 * scripts. `run.sh --offline TRAINED_DIR OUT_DIR [neuron|cpu]` does compile + validate on
 * an already downloaded version folder (no registry, nothing uploaded).
 */
import type { ProjectIR } from "../../compiler/ir.js";

interface RunShVariant {
  /** The Python modules the scripts import (checked before anything runs). */
  readonly modules: string;
  readonly install: string;
  /** The `--offline` branch after the arguments are read and torch is checked. */
  readonly offline: string;
  readonly usage: string;
}

function runShText(header: string, ir: ProjectIR, rootFromHere: string, v: RunShVariant): string {
  return `#!/usr/bin/env bash
# ${header}
# Compile ${ir.key} for AWS Neuron (or trace it on CPU): see README.md beside this file.
set -euo pipefail

here="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
root="\${MESH_ROOT:-$here/${rootFromHere}}"
if [ -z "\${PYTHON:-}" ]; then
  if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
export PYTHON

usage() {
  echo "${v.usage}" >&2
  exit 2
}

need_torch() {
  if ! "$PYTHON" -c '${v.modules}' 2>/dev/null; then
    echo "run.sh: $PYTHON cannot import ${v.install}" >&2
    exit 1
  fi
  if [ "$1" = neuron ] && ! "$PYTHON" -c 'import torch_neuronx' 2>/dev/null && ! "$PYTHON" -c 'import torch_neuron' 2>/dev/null; then
    echo "run.sh: $PYTHON has no Neuron SDK (torch-neuronx or torch-neuron); run inside the mesh-neuron-compile image on an Inferentia/Trainium host, or use the cpu target" >&2
    exit 1
  fi
}

if [ "\${1:-}" = --offline ]; then
  [ "$#" -ge 3 ] || usage
  trained="$2"
  out="$3"
  target="\${4:-neuron}"
  case "$target" in neuron | cpu) ;; *) usage ;; esac
  need_torch "$target"
${v.offline}
  exit 0
fi

target="\${1:-neuron}"
case "$target" in neuron | cpu) ;; *) usage ;; esac
need_torch "$target"
cd "$root"
exec "\${NODE:-node}" "$root/bin/mesh.js" run ${ir.name} --only compile --target "$target"
`;
}

export function runSh(header: string, ir: ProjectIR, rootFromHere: string): string {
  return runShText(header, ir, rootFromHere, {
    modules: "import torch, onnx, numpy",
    install: "torch, onnx and numpy; install python3-torch python3-onnx python3-numpy or set PYTHON",
    usage: "usage: run.sh [neuron|cpu]  |  run.sh --offline TRAINED_DIR OUT_DIR [neuron|cpu]",
    offline: `  "$PYTHON" "$here/compile.py" --model "$trained/model.onnx" --out "$out" --target "$target"
  cp "$here/features.json" "$out/features.json"
  (cd "$here" && "$PYTHON" validate.py --compiled "$out" --features features.json \\
    --inputs "$trained/test_files/inputs.json" --golden "$trained/test_files/predictions.json" \\
    --out "$out/predictions.json")`,
  });
}

/**
 * run.sh of a transformer target. Offline, the golden documents must already be token ids:
 * Python never tokenizes, and this image has no Node. ENCODED (default
 * TRAINED_DIR/test_files/encoded.json) names them; a version compiled by mesh (`run.sh cpu`)
 * carries them as test_files/encoded.json.
 */
export function runShTransformer(header: string, ir: ProjectIR, rootFromHere: string): string {
  return runShText(header, ir, rootFromHere, {
    modules: "import torch, numpy",
    install: "torch and numpy; install python3-torch python3-numpy or set PYTHON",
    usage: "usage: run.sh [neuron|cpu]  |  [ENCODED=encoded.json] run.sh --offline TRAINED_DIR OUT_DIR [neuron|cpu]",
    offline: `  encoded="\${ENCODED:-$trained/test_files/encoded.json}"
  if [ ! -f "$encoded" ]; then
    echo "run.sh: $encoded is missing: the golden documents must be token ids from mesh's tokenizer; set ENCODED to test_files/encoded.json of a version mesh compiled (run.sh cpu registers one)" >&2
    exit 2
  fi
  "$PYTHON" "$here/compile.py" --model-dir "$trained" --out "$out" --target "$target" --config "$here/neuron.json"
  "$PYTHON" "$here/validate.py" --compiled "$out" --encoded "$encoded" --config "$here/neuron.json" \\
    --golden "$trained/test_files/predictions.json" --out "$out/predictions.json"`,
  });
}
