/**
 * The manifest `out/<name>/.mesh-manifest.json`: every file mesh generated for a project, with
 * its sha256 and mode. It is how the next run knows which files are orphans (generated before,
 * no longer generated) — and the only files mesh ever deletes. Canonical JSON, no timestamps,
 * so an unchanged project rewrites it byte for byte.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { GeneratedFile, ProjectIR } from "../ir.js";
import { canonicalJson, sha256Hex } from "../../generators/support/canonical-json.js";
import { planDiagnostic } from "./codes.js";
import { unsafePathReason } from "./safe-path.js";

export const MANIFEST_FILE = ".mesh-manifest.json";

export interface ManifestEntry {
  readonly sha256: string;
  /** Octal file mode as text, "0644" or "0755". */
  readonly mode: string;
}

export interface Manifest {
  readonly generator: "mesh";
  readonly version: string;
  readonly spec: string;
  readonly specHash: string;
  readonly files: Readonly<Record<string, ManifestEntry>>;
}

export const modeText = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/** Builds the manifest of a project's generated files (the manifest never lists itself). */
export function buildManifest(ir: Pick<ProjectIR, "specPath" | "meshVersion" | "specHash">, files: readonly GeneratedFile[]): Manifest {
  const entries: Record<string, ManifestEntry> = {};
  for (const f of files) entries[f.path] = { sha256: sha256Hex(f.contents), mode: modeText(f.mode) };
  return { generator: "mesh", version: ir.meshVersion, spec: ir.specPath, specHash: ir.specHash, files: entries };
}

export const renderManifest = (m: Manifest) => canonicalJson(m, true);

export interface ParsedManifest {
  /** Paths recorded by the previous run, each already checked to be safe. */
  readonly paths: readonly string[];
  /** The recorded entries of those paths (hash and mode as written; not checked). */
  readonly entries: Readonly<Record<string, Partial<ManifestEntry>>>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads a previous manifest. Anything that is not a well-formed mesh manifest is an error: a
 * run that cannot tell which files it owns must not guess (it might delete the wrong ones, or
 * forget to delete orphans). Unsafe recorded paths are errors too — a tampered manifest must
 * never make mesh delete a file outside `out/<name>/`.
 */
export function parseManifest(bytes: Uint8Array, file: string): ParsedManifest {
  const hint = `delete ${file} if it is damaged; the next generate rewrites it (orphaned files then stay behind)`;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    return { paths: [], entries: {}, diagnostics: [planDiagnostic("bad-manifest", file, { message: `not valid JSON (${(err as Error).message})` }, hint)] };
  }
  if (!isRecord(value) || value.generator !== "mesh" || !isRecord(value.files)) {
    return { paths: [], entries: {}, diagnostics: [planDiagnostic("bad-manifest", file, { message: `not a mesh manifest (expected {"generator": "mesh", "files": {…}})` }, hint)] };
  }
  const files = value.files;
  const paths: string[] = [];
  const entries: Record<string, Partial<ManifestEntry>> = {};
  const diagnostics: Diagnostic[] = [];
  for (const p of Object.keys(files).sort()) {
    const reason = p === MANIFEST_FILE ? "is the manifest itself" : unsafePathReason(p);
    if (reason) {
      diagnostics.push(planDiagnostic("unsafe-manifest-path", file, { path: JSON.stringify(p), reason }, hint, `files.${p}`));
    } else {
      paths.push(p);
      entries[p] = isRecord(files[p]) ? (files[p] as Partial<ManifestEntry>) : {};
    }
  }
  return { paths, entries, diagnostics };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
