/**
 * The compile scripts as files (the programs as they are in runtimes/neuron/python/, plus the
 * generated data they read: features.json and neuron.json): one function gives the path → text map that both
 * generators/neuron (into out/<name>/compile/neuron/) and the compile driver (into a
 * scratch folder) write, so what runs here is what ships.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compilePy, neuronJson } from "./python/compile-py.js";
import { featuresJson, featurizersPy } from "./python/featurizers-py.js";
import { validatePy, type ValidateDefaults } from "./python/validate-py.js";
import type { NeuronScriptConfig } from "./script-config.js";

/** Tolerances of validate.py when the spec gives none (the compile step passes its own). */
export const VALIDATE_FALLBACK: ValidateDefaults = { atol: 1e-4, rtol: 1e-3, samples: 200 };

export function compileScriptTexts(header: string, cfg: NeuronScriptConfig, validate: ValidateDefaults = VALIDATE_FALLBACK): Record<string, string> {
  return {
    "compile.py": compilePy(header),
    "features.json": featuresJson(cfg.features),
    "featurizers.py": featurizersPy(header),
    "neuron.json": neuronJson(cfg, validate),
    "validate.py": validatePy(header),
  };
}

/** Writes the scripts into `dir` (the compile driver's scratch copy). */
export function writeCompileScripts(dir: string, cfg: NeuronScriptConfig): void {
  for (const [name, text] of Object.entries(compileScriptTexts(`written by mesh for ${cfg.key}; the same text as out/<name>/compile/neuron/`, cfg))) {
    fs.writeFileSync(path.join(dir, name), text);
  }
}
