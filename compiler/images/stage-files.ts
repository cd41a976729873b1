/**
 * The file sets a context root is made of: third-party packages trimmed for the image's
 * platform, and the mesh package itself (package.json + compiled code). Shared by step
 * images (stage-step.ts) and core images (core-images.ts).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BuildError } from "./errors.js";
import { textEntry, treeEntries, type ContextEntry } from "./context.js";
import { MissingPackageError, packageClosure } from "./package-closure.js";

/** The platform every image is built for; only its native binaries are staged. */
export const IMAGE_PLATFORM = { os: "linux", arch: "x64" } as const;

const DROP = /(\.map|\.d\.[cm]?ts|\.tsbuildinfo|(^|\/)(README|CHANGELOG|HISTORY)(\.[a-z]+)?)$/i;

/** Keeps what a package needs at run time; drops maps, type declarations and other platforms' binaries. */
function keepPackageFile(name: string) {
  const platform = `${IMAGE_PLATFORM.os}/${IMAGE_PLATFORM.arch}/`;
  return (rel: string): boolean => {
    // Nested packages are staged as their own closure entries (only when needed).
    if (rel.startsWith("node_modules/") || rel === ".bin/") return false;
    if (name === "onnxruntime-node") {
      const napi = /^bin\/napi-v\d+\/(.*)$/.exec(rel);
      const rest = napi?.[1];
      if (rest !== undefined && rest !== "" && !platform.startsWith(rest) && !rest.startsWith(platform)) return false;
    }
    // One .node per platform in one package: only the image's (glibc) binary ships.
    if (name === "tokenizers" && rel.endsWith(".node")) return rel === `tokenizers.${IMAGE_PLATFORM.os}-${IMAGE_PLATFORM.arch}-gnu.node`;
    if (rel.endsWith("/")) return true;
    return !DROP.test(rel);
  };
}

/** `deps/<path below node_modules>/…` for every package the image needs. */
export function depsEntries(root: string, packages: readonly string[], required = false): ContextEntry[] {
  try {
    // Names usually come from a textual import scan (which may see specifiers inside strings),
    // so an uninstalled one is skipped; a real miss fails the image's check stage instead.
    return packageClosure(join(root, "node_modules"), packages, required).flatMap((p) => treeEntries(p.dir, `deps/${p.rel}`, keepPackageFile(p.name)));
  } catch (err) {
    if (err instanceof MissingPackageError) throw new BuildError(err.message);
    throw err;
  }
}

interface RootManifest {
  readonly name: string;
  readonly version: string;
  readonly type?: string;
  readonly exports?: unknown;
  readonly bin?: unknown;
}

/** The workspace's package.json reduced to what resolution needs inside an image. */
export function meshManifest(root: string): RootManifest {
  const m = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as RootManifest;
  return { name: m.name, version: m.version, type: m.type ?? "module", exports: m.exports, ...(m.bin ? { bin: m.bin } : {}) };
}

/** Fails with one sentence when the compiled code an image ships is missing. */
export function requireDist(root: string, file: string): string {
  const abs = join(root, "dist", file);
  if (!existsSync(abs)) throw new BuildError(`the mesh code is not compiled (${join("dist", file)} is missing): run \`npm run build\` in ${root} first`);
  return abs;
}

/** `mesh/package.json` + the given dist files (absolute paths below `<root>/dist`). */
export function meshEntries(root: string, distFiles: readonly string[], withBin: boolean): ContextEntry[] {
  const manifest = meshManifest(root);
  const entries: ContextEntry[] = [textEntry("mesh/package.json", `${JSON.stringify(withBin ? manifest : { ...manifest, bin: undefined }, null, 2)}\n`)];
  const distRoot = join(root, "dist");
  for (const abs of [...new Set(distFiles)].sort()) {
    const rel = abs
      .slice(distRoot.length + 1)
      .split("\\")
      .join("/");
    entries.push({ path: `mesh/dist/${rel}`, mode: 0o644, size: statSync(abs).size, localPath: abs });
  }
  if (withBin) {
    const bin = join(root, "bin", "mesh.js");
    entries.push({ path: "mesh/bin/mesh.js", mode: 0o755, size: statSync(bin).size, localPath: bin });
  }
  return entries;
}

/** Every runtime file below dist/ (compiled code and copied assets), for the CLI images. */
export function allDistFiles(root: string): string[] {
  requireDist(root, "compiler/cli/main.js");
  return treeEntries(join(root, "dist"), "dist", (r) => r.endsWith("/") || !DROP.test(r)).map((e) => e.localPath!);
}
