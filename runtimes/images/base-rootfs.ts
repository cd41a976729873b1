/**
 * The bootstrap base image's root file system, for machines that cannot pull
 * `node:20-bookworm-slim`: this machine's own `node` binary, the shared libraries `ldd` lists
 * for it and for onnxruntime-node's native binding, `/etc/passwd` and `/etc/group` with the
 * non-root `mesh` user (uid/gid 10001), `/tmp` and the registry mount point. No shell, no
 * package manager: mesh images never need one (RUN is exec form only). `docker import` of
 * this tree gives a base the generated Dockerfiles build on unchanged.
 */
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

export const BASE_USER = { name: "mesh", uid: 10001, gid: 10001 } as const;

/** One entry of the root file system: a directory, a host file to copy, or literal bytes. */
export type RootfsEntry =
  | { readonly type: "dir"; readonly path: string; readonly mode: number; readonly uid?: number; readonly gid?: number }
  | { readonly type: "file"; readonly path: string; readonly mode: number; readonly localPath: string; readonly size: number }
  | { readonly type: "text"; readonly path: string; readonly mode: number; readonly text: string };

/** Parses `ldd` output into absolute library paths (skipping the vDSO and unresolved ones). */
export function parseLdd(output: string): string[] {
  const libs = new Set<string>();
  for (const line of output.split("\n")) {
    const arrow = /=>\s+(\/\S+)\s+\(/.exec(line);
    const direct = /^\s*(\/\S+)\s+\(/.exec(line);
    const path = arrow?.[1] ?? direct?.[1];
    if (path) libs.add(path);
  }
  return [...libs].sort();
}

function ldd(binary: string): string[] {
  return parseLdd(execFileSync("ldd", [binary], { encoding: "utf8" }));
}

export interface RootfsOptions {
  /** The node binary to ship (default: the running one). */
  readonly node?: string;
  /** Native modules whose shared libraries must also resolve (e.g. onnxruntime_binding.node). */
  readonly nativeModules?: readonly string[];
}

const DIRS: readonly [string, number][] = [
  ["etc", 0o755],
  ["lib", 0o755],
  ["lib64", 0o755],
  ["usr", 0o755],
  ["usr/local", 0o755],
  ["usr/local/bin", 0o755],
  ["var", 0o755],
  ["var/lib", 0o755],
  ["var/lib/mesh", 0o755],
];

/** The entries of the base root file system, sorted by path (deterministic tar). */
export function baseRootfs(options: RootfsOptions = {}): RootfsEntry[] {
  const node = realpathSync(options.node ?? process.execPath);
  // Libraries inside node_modules ship with the package itself; only system ones go here.
  const libs = new Set([node, ...(options.nativeModules ?? [])].flatMap(ldd).filter((p) => !p.includes("/node_modules/")));
  const entries: RootfsEntry[] = DIRS.map(([path, mode]) => ({ type: "dir" as const, path, mode }));
  entries.push({ type: "dir", path: "tmp", mode: 0o1777 });
  entries.push({ type: "dir", path: "var/lib/mesh/registry", mode: 0o755, uid: BASE_USER.uid, gid: BASE_USER.gid });
  entries.push({ type: "file", path: "usr/local/bin/node", mode: 0o755, localPath: node, size: statSync(node).size });
  const dirs = new Set(DIRS.map(([p]) => p));
  for (const lib of [...libs].sort()) {
    // `ldd` names the path the loader uses (often a symlink); ship the real bytes there.
    const rel = lib.replace(/^\/+/, "");
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!dirs.has(dir)) {
        dirs.add(dir);
        entries.push({ type: "dir", path: dir, mode: 0o755 });
      }
    }
    const real = realpathSync(lib);
    entries.push({ type: "file", path: rel, mode: 0o755, localPath: real, size: statSync(real).size });
  }
  const u = BASE_USER;
  entries.push({ type: "text", path: "etc/passwd", mode: 0o644, text: `root:x:0:0:root:/root:/usr/sbin/nologin\n${u.name}:x:${u.uid}:${u.gid}:${u.name}:/tmp:/usr/sbin/nologin\n` });
  entries.push({ type: "text", path: "etc/group", mode: 0o644, text: `root:x:0:\n${u.name}:x:${u.gid}:\n` });
  entries.push({ type: "text", path: "etc/nsswitch.conf", mode: 0o644, text: "passwd: files\ngroup: files\nhosts: files dns\n" });
  entries.push({ type: "text", path: "etc/hosts", mode: 0o644, text: "127.0.0.1 localhost\n::1 localhost\n" });
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** onnxruntime-node's binding for this platform in a node_modules folder, if installed. */
/** The Hugging Face tokenizers binding for this platform (glibc), when installed. */
export function tokenizersBinding(nodeModules: string): string | undefined {
  const p = join(nodeModules, "tokenizers", `tokenizers.${process.platform}-${process.arch}-gnu.node`);
  return existsSync(p) ? p : undefined;
}

export function onnxruntimeBinding(nodeModules: string): string | undefined {
  const p = join(nodeModules, "onnxruntime-node", "bin", "napi-v6", process.platform, process.arch, "onnxruntime_binding.node");
  return existsSync(p) ? p : undefined;
}
