/**
 * Identifier rules. Every string that can end up in a path, an image tag, a Make target,
 * a shell word or a Dockerfile instruction passes one of these patterns first, so the
 * generators can treat identifiers as inert. Free text (descriptions, examples) is not
 * constrained here; generators quote it where it lands.
 */
import { z } from "zod";

/** DNS-1123 label, at most 40 characters so `<name>-<step>` still fits a 63-char label. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Registry key: upper-case letters, digits and underscores, starting with a letter. */
export const REGISTRY_KEY = /^[A-Z][A-Z0-9_]{0,31}$/;
/** Field names (request attributes, dataset columns): a portable programming identifier. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Class labels and owner names: letters, digits, `_`, `.` and `-`, never `..`. */
export const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?$/;

const noDotDot = (s: string) => !s.includes("..");

export const dnsLabel = z.string().regex(DNS_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting with a letter, at most 40 characters");
export const registryKey = z.string().regex(REGISTRY_KEY, "must be upper-case letters, digits and '_', starting with a letter, at most 32 characters");
/**
 * Names every JavaScript object already has (`constructor`, `toString`, `__proto__`, …): as a
 * request field or parameter they would read the prototype's member where a value is
 * missing, so they are refused as names.
 */
export const OBJECT_MEMBER_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__"]);

export const fieldName = z
  .string()
  .regex(FIELD_NAME, "must be an identifier: letters, digits and '_', not starting with a digit, at most 64 characters")
  .refine((n) => !OBJECT_MEMBER_NAMES.has(n), "is the name of a member every JavaScript object has (constructor, toString, valueOf, …); choose another name");
export const label = z.string().regex(LABEL, "must be letters, digits, '_', '.' or '-' (at most 64), starting and ending with a letter or digit").refine(noDotDot, "must not contain '..'");

/**
 * A source URI. The scheme is checked here; the part after it is validated by the
 * runtime that opens it, but shell, Make and quote metacharacters are refused up front
 * because the URI is passed to generated Makefiles and compose files.
 */
/** Dataset sources: the ingest runtime owns the rule (a step image checks run overrides with it). */
export { sourceUri } from "../runtimes/ingest/source-uri.js";

/**
 * A model source: a dataset source's schemes plus `hf://ORG/NAME@REVISION` (the Hugging Face
 * Hub's file API). The runtime resolver (`runtimes/models`) validates the rest of the URI.
 */
export const modelSourceUri = z
  .string()
  .max(1000)
  .regex(/^(npm:|file:\/\/|https:\/\/|s3:\/\/|hf:\/\/)/, "must start with file://, npm:, https://, s3:// or hf://")
  .regex(/^[A-Za-z0-9:/@._~%+=,-]+$/, "may only hold letters, digits and : / @ . _ ~ % + = , -")
  .refine(noDotDot, "must not contain '..'");

/** A registry URI: file://PATH (relative to the workspace) or s3://BUCKET/PREFIX. */
export const registryUri = z
  .string()
  .regex(/^(file:\/\/|s3:\/\/)[A-Za-z0-9/._-]+$/, "must be file://PATH or s3://BUCKET/PREFIX (letters, digits, / . _ -)")
  .refine(noDotDot, "must not contain '..'");

/** A container image reference, optionally pinned by digest. */
export const imageRef = z
  .string()
  .regex(/^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, "must be an image reference such as node:20-bookworm-slim or name@sha256:<64 hex>");

/**
 * Characters no spec path may hold. A spec path is written into the header comment of every
 * generated file, into Make recipes and into the CI workflow; the generators quote it, but a
 * path that holds any of these cannot be carried inertly everywhere (or would say something
 * else than it shows), so it is refused at validate:
 *   control characters (C0, DEL, C1) and U+2028/U+2029 end a comment line (`//` in JavaScript
 *   ends at U+2028) — the rest of the path would run as code;
 *   bidi and other invisible format characters (Unicode category Cf) change what a reader sees;
 *   `${{` starts a GitHub Actions expression, expanded before any shell runs;
 *   `\` is a Windows separator, and the path would mean different files on different hosts.
 */
const SPEC_PATH_REFUSED: readonly { readonly test: RegExp; readonly what: string }[] = [
  { test: /[\u0000-\u001f\u007f-\u009f]/u, what: "a control character" },
  { test: /[\u2028\u2029]/u, what: "a line or paragraph separator" },
  { test: /\p{Cf}/u, what: "an invisible formatting character (a bidi control, a zero-width character, …)" },
  { test: /\$\{\{/u, what: '"${{", which GitHub Actions expands as an expression' },
  { test: /\\/u, what: "a backslash" },
];

/** Longest spec path mesh accepts (it is written, whole, into headers and workflow steps). */
export const MAX_SPEC_PATH_CHARS = 200;

/**
 * Why a workspace-relative spec path cannot be used, or undefined when it can: the problem in
 * words, naming the first refused character (as U+XXXX, since it may not print).
 */
export function specPathProblem(path: string): string | undefined {
  if ([...path].length > MAX_SPEC_PATH_CHARS) return `is longer than ${MAX_SPEC_PATH_CHARS} characters`;
  for (const { test, what } of SPEC_PATH_REFUSED) {
    const m = test.exec(path);
    if (!m) continue;
    const single = [...m[0]].length === 1 ? ` (U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})` : "";
    return `holds ${what}${single} at character ${[...path.slice(0, m.index)].length + 1}`;
  }
  return undefined;
}
