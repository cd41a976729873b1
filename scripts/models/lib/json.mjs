// One way to write JSON files: keys sorted at every level, two-space indent, trailing newline.
// Hugging Face writes config.json with sort_keys=True too; sorting here also makes the bytes
// independent of the order the code happened to build an object in.
import { writeFileSync } from "node:fs";

export function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

export function canonicalJson(value) {
  return JSON.stringify(sortKeys(value), null, 2) + "\n";
}

export function writeJson(path, value) {
  writeFileSync(path, canonicalJson(value));
}
