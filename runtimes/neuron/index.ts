/**
 * AWS Neuron: the compile scripts (compile.py, validate.py, featurizers.py) as text, the
 * `neuron`/`cpu` compile targets that run them, and the Python server's text.
 */
export { compileTorch, NeuronScriptError } from "./torch-target.js";
export { compileScriptTexts, VALIDATE_FALLBACK } from "./script-files.js";
export { featureWidth, layerWidths, type NeuronScriptConfig } from "./script-config.js";
export { resolvePython } from "./python-env.js";
