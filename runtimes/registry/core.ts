/**
 * The registry semantics, once, over any BlobStore: name checks, publish (claim a number,
 * stage files with their sha256, card last), listings of complete versions only, verified
 * reads and downloads, and lineage. Backends only supply storage (file-store.ts, s3-store.ts).
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { aliasMethods } from "./aliases.js";
import { decodeDatasetCard, decodeModelCard, encodeCard } from "./cards.js";
import { RegistryError } from "./errors.js";
import { CARD, CHILDREN, childKey, datasetBase, datasetDir, modelBase, modelDir, parseModelFolder } from "./layout.js";
import { NAME_PATTERN, checkDataset, checkKey, checkProject, checkRelPath, checkStage } from "./names.js";
import type { BlobStore, Source } from "./storage.js";
import { downloadVerified, readVerified } from "./verify.js";
import { datasetId, modelId, parseModelId } from "./types.js";
import type { ArtifactFiles, DatasetCard, DatasetRef, MeshRegistry, ModelCard, ModelName, ModelRef, ModelStage } from "./types.js";

export interface CoreOptions {
  /** The clock for `createdAt` (tests pin it). */
  readonly now?: () => Date;
  /** Called after each file of a publish is stored (a progress display of the upload). */
  readonly onUpload?: (progress: UploadProgress) => void;
}

/** How far a publish is: bytes and files stored of the version's total. */
export interface UploadProgress {
  /** The version being published, e.g. spam/SPAM-TRAINED-3. */
  readonly version: string;
  readonly bytes: number;
  readonly totalBytes: number;
  readonly files: number;
  readonly totalFiles: number;
}

export function createRegistry(store: BlobStore, options: CoreOptions = {}): MeshRegistry {
  const now = options.now ?? (() => new Date());
  const uri = store.uri;

  /** Publishes files + card under `base`, returning the version number. */
  async function publish(
    base: string,
    label: (n: number) => string,
    files: ArtifactFiles,
    card: (n: number, files: Record<string, string>, sizes: Record<string, number>, createdAt: string) => ModelCard | DatasetCard,
  ): Promise<number> {
    const entries = Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [rel, source] of entries) {
      checkRelPath(rel);
      if (!(source instanceof Uint8Array) && typeof (source as { localPath?: unknown }).localPath !== "string") {
        throw new RegistryError("invalid", `artifact ${rel} must be bytes or { localPath }`);
      }
    }
    const n = await store.claimVersion(base);
    const stage = await store.stageVersion(base, n);
    try {
      const hashes: Record<string, string> = {};
      const sizes: Record<string, number> = {};
      const totalBytes = options.onUpload ? (await Promise.all(entries.map(([, source]) => sourceSize(source as Source)))).reduce((a, b) => a + b, 0) : 0;
      let bytes = 0;
      for (const [rel, source] of entries) {
        const written = await stage.put(rel, source as Source).catch((err: unknown) => {
          if (err instanceof RegistryError) throw err;
          throw new RegistryError("io", `cannot publish ${label(n)} to ${uri}: writing ${rel} failed: ${(err as Error).message}`, { cause: err });
        });
        hashes[rel] = written.sha256;
        sizes[rel] = written.size;
        bytes += written.size;
        options.onUpload?.({ version: label(n), bytes, totalBytes: Math.max(totalBytes, bytes), files: Object.keys(hashes).length, totalFiles: entries.length });
      }
      await stage.commit(encodeCard(card(n, hashes, sizes, now().toISOString())));
      return n;
    } catch (err) {
      await stage.abort();
      throw err;
    }
  }

  /** Complete versions under `base`, ascending (the backend knows which are complete; see storage.ts). */
  const versions = (base: string): Promise<number[]> => store.listVersions(base);

  async function readCardBytes(dir: string, label: string): Promise<Uint8Array> {
    const bytes = await store.get(`${dir}/${CARD}`);
    if (!bytes) throw new RegistryError("not-found", `${label} not found in ${uri}`);
    return bytes;
  }

  const modelLabel = (ref: ModelRef) => `${ref.project}/${modelId(ref)}`;
  const datasetLabel = (ref: DatasetRef) => `${ref.project}/datasets/${datasetId(ref)}`;

  async function readModelCard(ref: ModelRef): Promise<ModelCard> {
    return decodeModelCard(await readCardBytes(modelDir(ref), modelLabel(ref)), modelLabel(ref));
  }
  async function readDatasetCard(ref: DatasetRef): Promise<DatasetCard> {
    return decodeDatasetCard(await readCardBytes(datasetDir(ref), datasetLabel(ref)), datasetLabel(ref));
  }

  function expectedHash(files: Readonly<Record<string, string>>, rel: string, label: string): string {
    checkRelPath(rel);
    const hash = Object.hasOwn(files, rel) ? files[rel] : undefined;
    if (!hash) throw new RegistryError("not-found", `${label} has no file ${rel} (files: ${Object.keys(files).sort().join(", ") || "none"})`);
    return hash;
  }

  async function download(dir: string, label: string, card: ModelCard | DatasetCard, localDir: string): Promise<string> {
    for (const [rel, hash] of Object.entries(card.files).sort()) {
      await downloadVerified(store, `${dir}/${rel}`, rel, hash, label, join(localDir, ...rel.split("/")));
    }
    await downloadCard(localDir, card);
    return localDir;
  }

  return {
    uri,
    ...aliasMethods({ store, now, readModelCard }),
    async publishModel(project, key, stage, files, input) {
      checkProject(project);
      checkKey(key);
      checkStage(stage);
      if (input.project !== project) throw new RegistryError("invalid", `the card's project "${input.project}" does not match "${project}"`);
      if (input.type !== stage.toLowerCase()) throw new RegistryError("invalid", `a ${stage} version needs a card of type "${stage.toLowerCase()}", not "${input.type}"`);
      if (stage === "COMPILED" || input.parent !== undefined) {
        const parent = input.parent === undefined ? undefined : parseModelId(input.parent);
        if (!parent) throw new RegistryError("invalid", `a ${stage} card must name its parent as KEY-STAGE-N, got ${JSON.stringify(input.parent)}`);
        await readModelCard({ project, ...parent }).catch((err: unknown) => {
          if (err instanceof RegistryError && err.code === "not-found") throw new RegistryError("invalid", `parent ${input.parent} of the new ${key}-${stage} version does not exist in ${uri}`);
          throw err;
        });
      }
      const base = modelBase(project, key, stage);
      const version = await publish(
        base,
        (n) => `${project}/${key}-${stage}-${n}`,
        files,
        (n, hashes, sizes, createdAt) => ({
          ...input,
          id: modelId({ key, stage, version: n }),
          files: hashes,
          sizes,
          createdAt,
        }),
      );
      return { project, key, stage, version };
    },
    async publishDataset(project, dataset, files, input) {
      checkProject(project);
      checkDataset(dataset);
      if (input.project !== project || input.dataset !== dataset) {
        throw new RegistryError("invalid", `the card's project/dataset "${input.project}/${input.dataset}" does not match "${project}/${dataset}"`);
      }
      const base = datasetBase(project, dataset);
      const version = await publish(
        base,
        (n) => `${project}/datasets/${dataset}-${n}`,
        files,
        (n, hashes, sizes, createdAt) => ({
          ...input,
          id: datasetId({ dataset, version: n }),
          files: hashes,
          sizes,
          createdAt,
        }),
      );
      return { project, dataset, version };
    },
    listModelVersions: (project, key, stage) => versions(modelBase(project, key, stage)),
    listDatasetVersions: (project, dataset) => versions(datasetBase(project, dataset)),
    readModelCard,
    readDatasetCard,
    async readModelFile(ref, rel) {
      checkRelPath(rel);
      const card = await readModelCard(ref);
      return readVerified(store, `${modelDir(ref)}/${rel}`, rel, expectedHash(card.files, rel, modelLabel(ref)), modelLabel(ref));
    },
    async readDatasetFile(ref, rel) {
      checkRelPath(rel);
      const card = await readDatasetCard(ref);
      return readVerified(store, `${datasetDir(ref)}/${rel}`, rel, expectedHash(card.files, rel, datasetLabel(ref)), datasetLabel(ref));
    },
    async downloadModel(ref, localDir) {
      return download(modelDir(ref), modelLabel(ref), await readModelCard(ref), localDir);
    },
    async downloadDataset(ref, localDir) {
      return download(datasetDir(ref), datasetLabel(ref), await readDatasetCard(ref), localDir);
    },
    async appendChild(parent, child) {
      await readModelCard(parent);
      const childCard = await readModelCard(child);
      if (childCard.parent !== undefined && (childCard.parent !== modelId(parent) || child.project !== parent.project)) {
        throw new RegistryError("invalid", `${modelLabel(child)} names ${childCard.parent} as its parent, not ${modelLabel(parent)}`);
      }
      const record = { id: modelId(child), key: child.key, project: child.project, stage: child.stage, version: child.version };
      await store.putIfAbsent(childKey(parent, child), new TextEncoder().encode(`${JSON.stringify(record)}\n`));
    },
    async listChildren(parent) {
      await readModelCard(parent);
      const refs: ModelRef[] = [];
      for (const name of await store.listFiles(`${modelDir(parent)}/${CHILDREN}`)) {
        const m = /^([a-z][-a-z0-9]*)\.(.+)\.json$/.exec(name);
        const id = m ? parseModelId(m[2]!) : undefined;
        if (m && id) refs.push({ project: m[1]!, ...id });
      }
      const sortKey = (r: ModelRef) => `${r.project}\u0000${r.key}\u0000${r.stage}\u0000${String(r.version).padStart(10, "0")}`;
      return refs.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    },
    async listProjects() {
      return (await store.listDirs("")).filter((d) => NAME_PATTERN.test(d));
    },
    async listModels(project): Promise<ModelName[]> {
      const names = (await store.listDirs(`${checkProject(project)}/models`)).map(parseModelFolder).filter((m): m is ModelName => m !== undefined);
      const order: Record<ModelStage, number> = { TRAINED: 0, COMPILED: 1 };
      return names.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : order[a.stage] - order[b.stage]));
    },
    async listDatasets(project) {
      return (await store.listDirs(`${checkProject(project)}/datasets`)).filter((d) => NAME_PATTERN.test(d));
    },
    async latestModel(project, key, stage) {
      const v = (await versions(modelBase(project, key, stage))).at(-1);
      return v === undefined ? undefined : { project, key, stage, version: v };
    },
    async latestServableModel(project, key) {
      const compiled = await versions(modelBase(project, key, "COMPILED"));
      for (const version of [...compiled].reverse()) {
        const ref: ModelRef = { project, key, stage: "COMPILED", version };
        if ("model.onnx" in (await readModelCard(ref)).files) return ref;
      }
      const trained = (await versions(modelBase(project, key, "TRAINED"))).at(-1);
      return trained === undefined ? undefined : { project, key, stage: "TRAINED", version: trained };
    },
    async latestDataset(project, dataset) {
      const v = (await versions(datasetBase(project, dataset))).at(-1);
      return v === undefined ? undefined : { project, dataset, version: v };
    },
  };
}

async function downloadCard(localDir: string, card: ModelCard | DatasetCard): Promise<void> {
  await mkdir(localDir, { recursive: true });
  await writeFile(join(localDir, CARD), encodeCard(card));
}

/** The byte size of a file to publish (bytes in memory, or a local file). */
async function sourceSize(source: Source): Promise<number> {
  return source instanceof Uint8Array ? source.byteLength : (await stat((source as { localPath: string }).localPath)).size;
}
