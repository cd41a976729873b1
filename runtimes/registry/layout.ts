/**
 * Where things live under the registry root (CONTRACTS.md "Model registry"):
 *
 *   <project>/datasets/<dataset>/<version>/{data.jsonl, schema.json, card.json}
 *   <project>/models/<KEY>-TRAINED/<n>/{model.onnx, card.json, test_files/…}
 *   <project>/models/<KEY>-COMPILED/<n>/{model.onnx | neuron/…, card.json, test_files/…}
 *   <…>/<n>/children/<KEY>-COMPILED-<m>.json      append-only lineage, one object per child
 *   <…>/.claims/…                                  version-number claims (backend-specific)
 *
 * Keys are POSIX, relative to the root, built only from checked names.
 */
import { checkDataset, checkKey, checkProject, checkStage, checkVersion } from "./names.js";
import { modelId, type DatasetRef, type ModelRef, type ModelStage } from "./types.js";

export const CARD = "card.json";
export const CHILDREN = "children";

/** The folder holding every version of one model name. */
export function modelBase(project: string, key: string, stage: ModelStage): string {
  return `${checkProject(project)}/models/${checkKey(key)}-${checkStage(stage)}`;
}

export function datasetBase(project: string, dataset: string): string {
  return `${checkProject(project)}/datasets/${checkDataset(dataset)}`;
}

export function modelDir(ref: ModelRef): string {
  return `${modelBase(ref.project, ref.key, ref.stage)}/${checkVersion(ref.version)}`;
}

export function datasetDir(ref: DatasetRef): string {
  return `${datasetBase(ref.project, ref.dataset)}/${checkVersion(ref.version)}`;
}

/** The object recording one child of a version. */
export function childKey(parent: ModelRef, child: ModelRef): string {
  return `${modelDir(parent)}/${CHILDREN}/${checkProject(child.project)}.${modelId(child)}.json`;
}

/** Parses `SPAM-TRAINED` (a folder under `<project>/models/`). */
export function parseModelFolder(name: string): { key: string; stage: ModelStage } | undefined {
  const m = /^([A-Z][A-Z0-9_]{0,31})-(TRAINED|COMPILED)$/.exec(name);
  return m ? { key: m[1]!, stage: m[2] as ModelStage } : undefined;
}
