/** Registers small datasets in a registry through the real register step. */
import { register, type ColumnConfig, type RegisterConfig } from "../../../runtimes/register/index.js";
import type { Registry } from "../../../runtimes/registry/types.js";
import type { LabelledRows } from "../../../runtimes/train/dataset-rows.js";
import { publishRaw } from "./raw.js";

const col = (name: string, type: ColumnConfig["type"], values: readonly string[] = []): ColumnConfig => ({ name, type, from: name, enum: values, map: [], maxLength: 0 });

/** Registers the rows of `data` (train and test together; register re-splits them). */
export async function registerRows(registry: Registry, project: string, data: LabelledRows, labels: readonly string[], columns: Record<string, "string" | "number">) {
  const rows = [...data.train.rows.map((r, i) => ({ ...r, label: labels[data.train.y[i]!] })), ...data.test.rows.map((r, i) => ({ ...r, label: labels[data.test.y[i]!] }))];
  const cfg: RegisterConfig = {
    dataset: "d",
    columns: [...Object.entries(columns).map(([n, t]) => col(n, t)), col("label", "string", labels)],
    split: { test: 0.25, seed: 1 },
    dedupe: false,
    badRowsMaxFraction: 0,
    target: "label",
  };
  return register(cfg, { project, registry, log: () => {} }, await publishRaw(registry, project, rows));
}
