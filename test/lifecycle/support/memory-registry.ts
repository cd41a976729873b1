/**
 * An in-memory Registry for lifecycle unit tests: same interface and the same guarantees
 * that matter here (versions ascending from 1, immutable, checksum on read). The
 * end-to-end tests use the real file and S3 backends.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ArtifactFiles, DatasetCard, DatasetRef, ModelCard, ModelRef, ModelStage, Registry } from "../../../runtimes/registry/types.js";
import { modelId } from "../../../runtimes/registry/types.js";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

interface Stored<C> {
  card: C;
  files: Map<string, Uint8Array>;
}

export class MemoryRegistry implements Registry {
  readonly uri = "memory://test";
  readonly models = new Map<string, Stored<ModelCard>[]>();
  readonly datasets = new Map<string, Stored<DatasetCard>[]>();
  readonly children = new Map<string, ModelRef[]>();
  /** Count of publish calls, to assert "nothing registered". */
  publishes = 0;

  private static load(files: ArtifactFiles): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const [k, v] of Object.entries(files)) out.set(k, v instanceof Uint8Array ? v : fs.readFileSync(v.localPath));
    return out;
  }

  async publishModel(project: string, key: string, stage: ModelStage, files: ArtifactFiles, card: Omit<ModelCard, "id" | "files" | "createdAt">): Promise<ModelRef> {
    const list = this.models.get(`${project}/${key}/${stage}`) ?? [];
    const ref = { project, key, stage, version: list.length + 1 };
    const stored = MemoryRegistry.load(files);
    list.push({ card: { ...card, id: modelId(ref), createdAt: new Date(0).toISOString(), files: Object.fromEntries([...stored].map(([k, v]) => [k, sha(v)])) }, files: stored });
    this.models.set(`${project}/${key}/${stage}`, list);
    this.publishes++;
    return ref;
  }

  async publishDataset(project: string, dataset: string, files: ArtifactFiles, card: Omit<DatasetCard, "id" | "files" | "createdAt">): Promise<DatasetRef> {
    const list = this.datasets.get(`${project}/${dataset}`) ?? [];
    const ref = { project, dataset, version: list.length + 1 };
    const stored = MemoryRegistry.load(files);
    list.push({ card: { ...card, id: `${dataset}-${ref.version}`, createdAt: new Date(0).toISOString(), files: Object.fromEntries([...stored].map(([k, v]) => [k, sha(v)])) }, files: stored });
    this.datasets.set(`${project}/${dataset}`, list);
    this.publishes++;
    return ref;
  }

  async listModelVersions(project: string, key: string, stage: ModelStage) {
    return (this.models.get(`${project}/${key}/${stage}`) ?? []).map((_, i) => i + 1);
  }
  async listDatasetVersions(project: string, dataset: string) {
    return (this.datasets.get(`${project}/${dataset}`) ?? []).map((_, i) => i + 1);
  }
  private model(ref: ModelRef): Stored<ModelCard> {
    const s = this.models.get(`${ref.project}/${ref.key}/${ref.stage}`)?.[ref.version - 1];
    if (!s) throw new Error(`${modelId(ref)} not found`);
    return s;
  }
  private dataset(ref: DatasetRef): Stored<DatasetCard> {
    const s = this.datasets.get(`${ref.project}/${ref.dataset}`)?.[ref.version - 1];
    if (!s) throw new Error(`${ref.dataset}-${ref.version} not found`);
    return s;
  }
  async readModelCard(ref: ModelRef) {
    return this.model(ref).card;
  }
  async readDatasetCard(ref: DatasetRef) {
    return this.dataset(ref).card;
  }
  async readModelFile(ref: ModelRef, rel: string) {
    const s = this.model(ref);
    const b = s.files.get(rel);
    if (!b || sha(b) !== s.card.files[rel]) throw new Error(`${modelId(ref)}/${rel} missing or corrupt`);
    return b;
  }
  async readDatasetFile(ref: DatasetRef, rel: string) {
    const s = this.dataset(ref);
    const b = s.files.get(rel);
    if (!b || sha(b) !== s.card.files[rel]) throw new Error(`${ref.dataset}-${ref.version}/${rel} missing or corrupt`);
    return b;
  }
  async downloadModel(ref: ModelRef, localDir: string) {
    const s = this.model(ref);
    for (const rel of s.files.keys()) {
      const p = path.join(localDir, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, await this.readModelFile(ref, rel));
    }
    fs.writeFileSync(path.join(localDir, "card.json"), JSON.stringify(s.card));
    return localDir;
  }
  async appendChild(parent: ModelRef, child: ModelRef) {
    const k = modelId(parent);
    this.children.set(k, [...(this.children.get(k) ?? []), child]);
  }
  async listChildren(parent: ModelRef) {
    return this.children.get(modelId(parent)) ?? [];
  }
  async listProjects() {
    return [...new Set([...this.models.keys(), ...this.datasets.keys()].map((k) => k.split("/")[0]!))].sort();
  }
}
