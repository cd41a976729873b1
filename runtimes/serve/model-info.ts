/**
 * What `/bio` and the model-info metric say about the served version: its registry card
 * (MESH_MODEL_CARD, else `card.json` beside the model file) when there is one.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ModelInfo } from "./definition.js";

/** Reads the card; a missing default card is fine (a bare model file), a broken or missing explicit one is an error. */
export function loadModelInfo(modelPath: string, cardPath: string, alias = ""): ModelInfo {
  const info = loadCard(modelPath, cardPath);
  return alias ? { ...info, alias } : info;
}

function loadCard(modelPath: string, cardPath: string): ModelInfo {
  // A transformer may be served from its folder (MESH_MODEL_PATH=<version folder>): its card is inside.
  const isFolder = (() => {
    try {
      return statSync(modelPath).isDirectory();
    } catch {
      return false;
    }
  })();
  const path = cardPath || join(isFolder ? modelPath : dirname(modelPath), "card.json");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (!cardPath && (err as NodeJS.ErrnoException).code === "ENOENT") return { path: modelPath, version: "local" };
    throw new Error(`cannot read the model card ${path}: ${(err as Error).message}`);
  }
  let card: unknown;
  try {
    card = JSON.parse(text);
  } catch {
    throw new Error(`the model card ${path} is not valid JSON`);
  }
  if (typeof card !== "object" || card === null || Array.isArray(card)) throw new Error(`the model card ${path} is not a JSON object`);
  const id = (card as Record<string, unknown>)["id"];
  return { path: modelPath, version: typeof id === "string" && id ? id : "local", card: card as Record<string, unknown> };
}
