/**
 * `mesh images bootstrap`: makes the configured base image (default node:20-bookworm-slim)
 * locally when it cannot be pulled, by `docker import` of the root file system described in
 * runtimes/images/base-rootfs.ts. Idempotent: an image already imported from the same bytes
 * is left alone, and a real (pulled) image of that name is never overwritten without --force.
 */
import type Docker from "dockerode";
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { baseRootfs, onnxruntimeBinding, tokenizersBinding, type RootfsEntry } from "../../runtimes/images/base-rootfs.js";
import { CONTEXT_MTIME } from "./context.js";
import { inspectImage } from "./docker-client.js";
import { BuildError } from "./errors.js";
import type { ProgressSink } from "./run-build.js";

export const BOOTSTRAP_LABEL = "dev.mesh.bootstrap-hash";

export interface BootstrapResult {
  readonly image: string;
  readonly status: "imported" | "up to date" | "present";
  readonly sizeMb: number;
}

/** `node:20-bookworm-slim` → { repo: "node", tag: "20-bookworm-slim" }; a digest cannot be made locally. */
export function splitImageRef(ref: string): { repo: string; tag: string } {
  if (ref.includes("@")) {
    throw new BuildError(
      `the base image ${ref} is pinned by digest, which a locally made image cannot carry: load the real image (docker load) or set images.base in mesh.yaml to a tag for offline builds`,
    );
  }
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: "latest" };
}

function rootfsHash(entries: readonly RootfsEntry[]): string {
  const h = createHash("sha256");
  for (const e of entries) {
    const body = e.type === "file" ? createHash("sha256").update(readFileSync(e.localPath)).digest("hex") : e.type === "text" ? e.text : "";
    h.update(`${e.type}\0${e.path}\0${e.mode.toString(8)}\0${"uid" in e ? (e.uid ?? 0) : 0}\0${body}\n`);
  }
  return h.digest("hex");
}

function rootfsTar(entries: readonly RootfsEntry[]): Readable {
  const pack = tar.pack();
  void (async () => {
    try {
      for (const e of entries) {
        const base = { name: e.path, mode: e.mode, mtime: CONTEXT_MTIME, uid: 0, gid: 0 };
        if (e.type === "dir") {
          await new Promise<void>((res, rej) => pack.entry({ ...base, type: "directory", uid: e.uid ?? 0, gid: e.gid ?? 0 }, (err) => (err ? rej(err) : res())));
        } else if (e.type === "text") {
          await new Promise<void>((res, rej) => pack.entry(base, e.text, (err) => (err ? rej(err) : res())));
        } else {
          await pipeline(createReadStream(e.localPath), pack.entry({ ...base, size: e.size }));
        }
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack as unknown as Readable;
}

/** Imports the bootstrap base as `ref` unless an identical one (or a pulled one) is present. */
export async function bootstrapBase(docker: Docker, root: string, ref: string, progress: ProgressSink, force = false): Promise<BootstrapResult> {
  const { repo, tag } = splitImageRef(ref);
  const binding = onnxruntimeBinding(join(root, "node_modules"));
  if (!binding) throw new BuildError("onnxruntime-node is not installed in this workspace (its linux binding resolves the base's shared libraries): run `npm ci` first");
  // The tokenizers binding needs librt besides what node and onnxruntime need.
  const tokenizers = tokenizersBinding(join(root, "node_modules"));
  const entries = baseRootfs({ nativeModules: [binding, ...(tokenizers ? [tokenizers] : [])] });
  const hash = rootfsHash(entries);
  const existing = await inspectImage(docker, ref);
  const mb = (info: Docker.ImageInspectInfo | undefined) => Math.round(((info?.Size ?? 0) / 1e6) * 10) / 10;
  if (existing && !force) {
    const label = existing.Config?.Labels?.[BOOTSTRAP_LABEL];
    if (label === hash) return { image: ref, status: "up to date", sizeMb: mb(existing) };
    if (label === undefined) return { image: ref, status: "present", sizeMb: mb(existing) };
  }
  progress(`importing ${ref} from this machine's node ${process.version} and ${entries.filter((e) => e.type === "file").length - 1} shared libraries`);
  const changes = [
    "ENV PATH=/usr/local/bin:/usr/bin:/bin",
    `LABEL ${BOOTSTRAP_LABEL}=${hash}`,
    `LABEL org.opencontainers.image.description="mesh bootstrap base: node ${process.version} and its shared libraries, user mesh (10001), no shell"`,
    'CMD ["node"]',
  ];
  const stream = await docker.importImage(rootfsTar(entries), { repo, tag, changes, message: "mesh images bootstrap" } as object);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) return reject(new BuildError(`docker import of ${ref} failed: ${err?.message ?? failed?.error}`));
      resolve();
    }),
  );
  const made = await inspectImage(docker, ref);
  if (made?.Config?.Labels?.[BOOTSTRAP_LABEL] !== hash) throw new BuildError(`docker import of ${ref} did not produce the expected image`);
  return { image: ref, status: "imported", sizeMb: mb(made) };
}
