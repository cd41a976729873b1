/**
 * The default-domain opset the rewritten graph needs: MatMulInteger exists since opset 10,
 * DynamicQuantizeLinear since 11. An older opset is not raised: that would change the meaning
 * of other nodes (Pad, Clip, Resize, … changed at 11), and only a version converter can do it.
 */
import { int64 } from "./tensors.js";
import { isDefaultDomain } from "./graph-index.js";
import type { Model } from "./parse.js";

export const MIN_DEFAULT_OPSET = 11;

export function defaultOpset(model: Model): number | undefined {
  const entry = (model.opsetImport ?? []).find((o) => isDefaultDomain(o.domain));
  return entry ? int64(entry.version) : undefined;
}

/** Imports the default domain at MIN_DEFAULT_OPSET when the model imports it not at all. */
export function ensureDefaultOpset(model: Model): void {
  if (defaultOpset(model) === undefined) model.opsetImport = [...(model.opsetImport ?? []), { domain: "", version: MIN_DEFAULT_OPSET }];
}
