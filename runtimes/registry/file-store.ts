/**
 * The file backend (`file://PATH`). Guarantees:
 *
 * - Version numbers: a claim is a file `<base>/.claims/<n>` created with O_EXCL (`wx`), which
 *   the kernel grants to exactly one opener across threads and processes. A claim is never
 *   removed; a writer that crashes after claiming leaves a gap (its number is skipped), never
 *   a blocked registry.
 * - Invisible until complete: files are written under `<base>/.staging/<n>-<uuid>/`, the card
 *   last, each fsync'ed, then the folder is renamed to `<base>/<n>` in one atomic step. A
 *   rename onto an existing version fails, so nothing is ever overwritten. Staging folders of
 *   crashed publishers are swept after STALE_STAGING_MS.
 * - Listing: because only that rename creates `<base>/<n>`, a folder named like a version is a
 *   complete version; one readdir with file types lists them all, with no stat of any card.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { RegistryError } from "./errors.js";
import { HashingStream, sha256 } from "./hashing.js";
import { parseVersionName } from "./names.js";
import type { BlobStore, Source, VersionStage, Written } from "./storage.js";

const CLAIMS = ".claims";
const STAGING = ".staging";
/** Staging folders older than this belong to crashed publishers and are removed (best effort). */
export const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

const errno = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

/** Opens the file backend rooted at an absolute folder (created on first write). */
export function fileStore(root: string, uri: string): BlobStore {
  const rootAbs = resolve(root);
  const path = (key: string) => {
    const p = resolve(rootAbs, key);
    // Keys are built from checked names; this is the last line of defence.
    if (p !== rootAbs && !p.startsWith(rootAbs + sep)) throw new RegistryError("invalid", `refusing a path outside the registry: ${key}`);
    return p;
  };

  async function entries(prefix: string, want: "dir" | "file"): Promise<string[]> {
    try {
      const list = await readdir(path(prefix), { withFileTypes: true });
      return list
        .filter((d) => (want === "dir" ? d.isDirectory() : d.isFile()))
        .map((d) => d.name)
        .sort();
    } catch (err) {
      if (errno(err) === "ENOENT" || errno(err) === "ENOTDIR") return [];
      throw ioError(`cannot list ${prefix || "/"} in ${uri}`, err);
    }
  }

  return {
    uri,
    async get(key) {
      try {
        return new Uint8Array(await readFile(path(key)));
      } catch (err) {
        if (errno(err) === "ENOENT" || errno(err) === "ENOTDIR") return undefined;
        throw ioError(`cannot read ${key} in ${uri}`, err);
      }
    },
    async open(key) {
      try {
        const fh = await open(path(key), "r");
        return fh.createReadStream() as Readable;
      } catch (err) {
        if (errno(err) === "ENOENT" || errno(err) === "ENOTDIR") return undefined;
        throw ioError(`cannot open ${key} in ${uri}`, err);
      }
    },
    async head(key) {
      try {
        const st = await stat(path(key));
        return st.isFile() ? { size: st.size } : undefined;
      } catch (err) {
        if (errno(err) === "ENOENT" || errno(err) === "ENOTDIR") return undefined;
        throw ioError(`cannot stat ${key} in ${uri}`, err);
      }
    },
    listDirs: (prefix) => entries(prefix, "dir"),
    listFiles: (prefix) => entries(prefix, "file"),
    // `.staging` and `.claims` are not version names, so in-flight publishes are never listed.
    listVersions: async (base) =>
      (await entries(base, "dir"))
        .map(parseVersionName)
        .filter((n): n is number => n !== undefined)
        .sort((a, b) => a - b),
    async putIfAbsent(key, bytes) {
      const target = path(key);
      const tmp = `${target}.${randomUUID()}.tmp`;
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeDurably(tmp, bytes);
        // link(2) fails with EEXIST when the name is taken: create-if-absent with full content.
        await link(tmp, target);
        return true;
      } catch (err) {
        if (errno(err) === "EEXIST") return false;
        throw ioError(`cannot write ${key} in ${uri}`, err);
      } finally {
        await unlink(tmp).catch(() => undefined);
      }
    },
    async claimVersion(base) {
      const claims = path(`${base}/${CLAIMS}`);
      try {
        await mkdir(claims, { recursive: true });
      } catch (err) {
        throw ioError(`cannot create ${base}/${CLAIMS} in ${uri}`, err);
      }
      const taken = [...(await entries(base, "dir")), ...(await entries(`${base}/${CLAIMS}`, "file"))].map(parseVersionName).filter((n): n is number => n !== undefined);
      let n = Math.max(0, ...taken) + 1;
      for (;;) {
        try {
          const fh = await open(join(claims, String(n)), "wx");
          await fh.writeFile(`${JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() })}\n`);
          await fh.close();
          // A folder without a claim (copied in by hand) still wins: never write over it.
          if ((await entries(`${base}/${n}`, "file")).length === 0 && (await entries(`${base}/${n}`, "dir")).length === 0) return n;
        } catch (err) {
          if (errno(err) !== "EEXIST") throw ioError(`cannot claim version ${n} of ${base} in ${uri}`, err);
        }
        n += 1;
      }
    },
    async stageVersion(base, version) {
      await sweepStaging(path(`${base}/${STAGING}`));
      const staging = path(`${base}/${STAGING}/${version}-${randomUUID()}`);
      const final = path(`${base}/${version}`);
      await mkdir(staging, { recursive: true }).catch((err: unknown) => {
        throw ioError(`cannot create a staging folder for ${base}/${version} in ${uri}`, err);
      });
      return fileStage(staging, final, `${base}/${version}`, uri);
    },
  };
}

/** Removes staging folders left by publishers that crashed long ago; never fails a publish. */
async function sweepStaging(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > STALE_STAGING_MS) await rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function fileStage(staging: string, final: string, label: string, uri: string): VersionStage {
  return {
    async put(rel, source) {
      const target = join(staging, rel);
      await mkdir(dirname(target), { recursive: true });
      return writeSource(target, source);
    },
    async commit(card) {
      await writeDurably(join(staging, "card.json"), card);
      try {
        // rename(2) of a folder onto an existing non-empty folder fails (ENOTEMPTY/EEXIST).
        await rename(staging, final);
      } catch (err) {
        const code = errno(err);
        if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR") {
          throw new RegistryError("conflict", `version ${label} already exists in ${uri}; versions are never overwritten`);
        }
        throw ioError(`cannot commit ${label} in ${uri}`, err);
      }
      await syncDir(dirname(final));
    },
    async abort() {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

async function writeSource(target: string, source: Source): Promise<Written> {
  if (source instanceof Uint8Array) {
    await writeDurably(target, source);
    return { sha256: sha256(source), size: source.byteLength };
  }
  const hashing = new HashingStream();
  await pipeline(createReadStream(source.localPath), hashing, createWriteStream(target, { flags: "wx" }));
  const fh = await open(target, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return hashing.result();
}

/** Writes and fsyncs, so a rename after it never exposes a file whose bytes are not on disk. */
async function writeDurably(target: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(target, "wx");
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r").catch(() => undefined);
  await fh?.sync().catch(() => undefined);
  await fh?.close();
}

function ioError(what: string, err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  const code = errno(err);
  const detail = code ? `${code}` : err instanceof Error ? err.message : String(err);
  return new RegistryError("io", `${what}: ${detail}`, { cause: err });
}
