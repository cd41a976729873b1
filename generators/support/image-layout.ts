/**
 * The contract between the generated Dockerfiles and `mesh build` (compiler/images), which
 * stages the build context: the context roots each step's Dockerfile COPYs, where they land in
 * the image, the non-root user, the mounted registry path and the build ARGs. The Makefile and
 * compose generators use the same container paths, uid and port.
 */
import type { ProjectIR, StepName } from "../../compiler/ir.js";

export const CONTAINER = {
  /** Non-root user and group every mesh image runs as. */
  uid: 10001,
  gid: 10001,
  app: "/app",
  nodeModules: "/app/node_modules",
  /** The mesh package inside the image: the runtimes a core image carries (serve, or the lifecycle), never the compiler. */
  meshPackage: "/app/node_modules/mesh",
  /** A step image's lowered configuration (runtimes/lifecycle/run-config.ts), generated as out/<name>/<step>/step.json. */
  stepConfig: "/app/step.json",
  model: "/app/model",
  /** Where lifecycle images expect a file registry to be mounted. */
  registry: "/var/lib/mesh/registry",
  /** Written by the build-time check stage, copied into the final image as proof it ran. */
  checkFile: "/tmp/mesh-check.json",
} as const;

/**
 * Roots of a build context, each staged by `mesh build` from the workspace: `deps`
 * third-party production packages (onnxruntime-node reduced to linux/x64), `mesh` the mesh
 * package (package.json + compiled code), `serve` the generated server as JavaScript, `model`
 * model.onnx + card.json, `workspace` the spec (and mesh.yaml; for the ingest step also a
 * workspace-local `file://` source, at its path below the root — see `localIngestSource`).
 * `deps` and `mesh` go into the core runtime images (mesh-serve, mesh-train), which step
 * images start FROM, so a step's own context is small and a spec or model change rebuilds in
 * seconds.
 */
export type ContextRoot = "deps" | "mesh" | "serve" | "model" | "workspace";

/** Build ARGs `mesh build` passes; apart from the runtime image each only feeds a LABEL. */
export const BUILD_ARGS = {
  /** The core runtime image a step image starts FROM (declared before FROM). */
  runtimeImage: "MESH_RUNTIME_IMAGE",
  imageTag: "MESH_IMAGE_TAG",
  revision: "MESH_REVISION",
  modelVersion: "MESH_MODEL_VERSION",
  /** The context's content hash; the label `mesh build` skips by (set in the same LABEL step). */
  contentHash: "MESH_CONTENT_HASH",
} as const;

/** Image label keys that `mesh build` and tests read back. */
export const LABELS = {
  title: "org.opencontainers.image.title",
  description: "org.opencontainers.image.description",
  version: "org.opencontainers.image.version",
  revision: "org.opencontainers.image.revision",
  baseName: "org.opencontainers.image.base.name",
  project: "dev.mesh.project",
  step: "dev.mesh.step",
  specHash: "dev.mesh.spec-hash",
  meshVersion: "dev.mesh.version",
  modelVersion: "dev.mesh.model-version",
  /** Hash of the whole build context (and the runtime image), from the MESH_CONTENT_HASH build ARG. */
  contentHash: "dev.mesh.content-hash",
} as const;

/** The step images' entry point: reads CONTAINER.stepConfig and runs the step (runtimes/lifecycle/step-main.ts). */
export const STEP_MAIN = `${CONTAINER.meshPackage}/dist/runtimes/lifecycle/step-main.js`;
/** The module step-main runs steps through; importing it loads every lifecycle runtime (the core image's check). */
export const STEP_RUNNER = `${CONTAINER.meshPackage}/dist/runtimes/lifecycle/run-steps.js`;
/** The name of the step configuration in the build context and in out/<name>/<step>/. */
export const STEP_CONFIG_FILE = "step.json";

/** Whether the serve image carries its model (immutable) or fetches it from the registry at start. */
export const bakesModel = (ir: ProjectIR): boolean => ir.serve.image.model === "baked";

/** Whether the ingest step reads an npm package, which its image must then carry. */
export const ingestsNpm = (ir: ProjectIR): boolean => ir.ingest?.uri.startsWith("npm:") ?? false;

/**
 * The workspace-relative path of a `file://REL` ingest source, which `mesh build` copies into
 * the ingest image's `workspace` root (so it lands at `/app/REL`, where `mesh run` looks);
 * undefined for other schemes and for absolute paths (an `ingest.allow_paths` folder outside the
 * workspace is not copied: mount it into the container at the same path).
 */
export function localIngestSource(ir: ProjectIR): string | undefined {
  const uri = ir.ingest?.uri;
  if (!uri?.startsWith("file://")) return undefined;
  const rest = uri.slice("file://".length);
  return rest === "" || rest.startsWith("/") ? undefined : rest.replace(/\/+$/, "");
}

/**
 * The most bytes of workspace-local ingest data an ingest image carries (also capped by the
 * spec's `max_bytes`). Larger data fails `mesh build` with a sentence: put it on s3:// or
 * https://, or run the ingest step on the host — later step images read its raw snapshot
 * from the registry, not the source.
 */
export const INGEST_DATA_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The context roots a step's Dockerfile uses, in layer order (slowest-changing first). A
 * lifecycle step needs workspace files only for data it reads from there: the ingest step's
 * `file://` source, the pretrained train step's model.lock.json and local model folder.
 */
export function contextRoots(ir: ProjectIR, step: StepName): readonly ContextRoot[] {
  if (step === "serve") return bakesModel(ir) ? ["serve", "model"] : ["serve"];
  const roots: ContextRoot[] = [];
  if (step === "ingest" && ingestsNpm(ir)) roots.push("deps");
  const readsWorkspace = (step === "ingest" && localIngestSource(ir) !== undefined) || (step === "train" && ir.train?.trainer === "pretrained" && ir.model.transformer !== undefined);
  if (readsWorkspace) roots.push("workspace");
  return roots;
}

/**
 * The default core runtime image of a step (`mesh build` passes the exact content tag):
 * `<prefix/>mesh-serve:<mesh version>` or `<prefix/>mesh-train:<mesh version>`.
 */
export function runtimeImageDefault(ir: ProjectIR, runtime: string): string {
  return `${ir.images.prefix ? `${ir.images.prefix}/` : ""}${runtime}:${ir.meshVersion}`;
}

/** Where each context root lands in the image. */
export const ROOT_DEST: Readonly<Record<ContextRoot, string>> = {
  deps: `${CONTAINER.nodeModules}/`,
  mesh: `${CONTAINER.meshPackage}/`,
  serve: `${CONTAINER.app}/serve/`,
  model: `${CONTAINER.model}/`,
  workspace: `${CONTAINER.app}/`,
};
