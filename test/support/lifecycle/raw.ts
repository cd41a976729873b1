/** Publishes rows as a raw snapshot (what ingest leaves in the registry), for register tests. */
import { createHash } from "node:crypto";
import { RAW_DATASET } from "../../../runtimes/ingest/raw-dataset.js";
import type { DatasetCard, DatasetRef, Registry } from "../../../runtimes/registry/types.js";

export async function publishRaw(registry: Registry, project: string, rows: readonly Record<string, unknown>[], opts: { lieAboutSha?: boolean } = {}): Promise<{ ref: DatasetRef; card: DatasetCard }> {
  const text = rows.map((r) => `${JSON.stringify(r)}\n`).join("");
  const sha256 = opts.lieAboutSha ? "0".repeat(64) : createHash("sha256").update(text).digest("hex");
  const ref = await registry.publishDataset(project, RAW_DATASET, { "data.jsonl": Buffer.from(text) }, { project, dataset: RAW_DATASET, sha256, rows: rows.length, stats: {} });
  return { ref, card: await registry.readDatasetCard(ref) };
}
