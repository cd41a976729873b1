/**
 * The real file registry (runtimes/registry) in a temp folder, with a count of publish
 * calls so tests can assert "nothing was registered" as strictly as possible: not even
 * an attempt.
 */
import * as path from "node:path";
import { openRegistry } from "../../../runtimes/registry/index.js";
import type { ArtifactFiles, DatasetCard, DatasetRef, ModelCard, ModelRef, ModelStage, Registry } from "../../../runtimes/registry/types.js";
import { tempWorkspace } from "./workspace.js";

export class TestRegistry implements Registry {
  /** publishModel + publishDataset calls so far. */
  publishes = 0;
  readonly uri: string;
  readonly inner: Registry;

  constructor(dir = path.join(tempWorkspace(), "registry")) {
    this.inner = openRegistry(`file://${dir}`);
    this.uri = this.inner.uri;
  }

  publishModel(project: string, key: string, stage: ModelStage, files: ArtifactFiles, card: Omit<ModelCard, "id" | "files" | "createdAt">) {
    this.publishes++;
    return this.inner.publishModel(project, key, stage, files, card);
  }
  publishDataset(project: string, dataset: string, files: ArtifactFiles, card: Omit<DatasetCard, "id" | "files" | "createdAt">) {
    this.publishes++;
    return this.inner.publishDataset(project, dataset, files, card);
  }
  listModelVersions(project: string, key: string, stage: ModelStage) {
    return this.inner.listModelVersions(project, key, stage);
  }
  listDatasetVersions(project: string, dataset: string) {
    return this.inner.listDatasetVersions(project, dataset);
  }
  readModelCard(ref: ModelRef) {
    return this.inner.readModelCard(ref);
  }
  readDatasetCard(ref: DatasetRef) {
    return this.inner.readDatasetCard(ref);
  }
  readModelFile(ref: ModelRef, rel: string) {
    return this.inner.readModelFile(ref, rel);
  }
  readDatasetFile(ref: DatasetRef, rel: string) {
    return this.inner.readDatasetFile(ref, rel);
  }
  downloadModel(ref: ModelRef, localDir: string) {
    return this.inner.downloadModel(ref, localDir);
  }
  appendChild(parent: ModelRef, child: ModelRef) {
    return this.inner.appendChild(parent, child);
  }
  listChildren(parent: ModelRef) {
    return this.inner.listChildren(parent);
  }
  listProjects() {
    return this.inner.listProjects();
  }
}
