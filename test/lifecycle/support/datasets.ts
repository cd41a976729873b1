/** Registers small datasets in a registry through the real register step. */
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { register, type ColumnConfig, type RegisterConfig } from "../../../runtimes/register/index.js";
import type { Registry } from "../../../runtimes/registry/types.js";
import type { LabelledRows } from "../../../runtimes/train/dataset-rows.js";
import { tempWorkspace } from "./workspace.js";

const col = (name: string, type: ColumnConfig["type"], values: readonly string[] = []): ColumnConfig => ({ name, type, from: name, enum: values, map: [], maxLength: 0 });

/** Registers the rows of `data` (train and test together; register re-splits them). */
export async function registerRows(registry: Registry, project: string, data: LabelledRows, labels: readonly string[], columns: Record<string, "string" | "number">) {
  const rows = [...data.train.rows.map((r, i) => ({ ...r, label: labels[data.train.y[i]!] })), ...data.test.rows.map((r, i) => ({ ...r, label: labels[data.test.y[i]!] }))];
  const text = rows.map((r) => `${JSON.stringify(r)}\n`).join("");
  const p = path.join(tempWorkspace(), "raw.jsonl");
  fs.writeFileSync(p, text);
  const cfg: RegisterConfig = {
    dataset: "d",
    columns: [...Object.entries(columns).map(([n, t]) => col(n, t)), col("label", "string", labels)],
    split: { test: 0.25, seed: 1 },
    dedupe: false,
    badRowsMaxFraction: 0,
    target: "label",
  };
  return register(cfg, { project, registry, log: () => {} }, { path: p, sha256: createHash("sha256").update(text).digest("hex") });
}
