/**
 * Model source URIs, parsed once into a union by scheme. `checkModelUri` is the pure check
 * validation runs on `model.source.uri` (no file system, no network); everything a resolver
 * later needs from the text is in the parsed value, so no scheme re-parses its URI.
 */
import * as path from "node:path";
import { ModelSourceError } from "./errors.js";
import { relPathProblem } from "./paths.js";

/** `file://REL`: a file or folder relative to the project folder (may climb with `..`, never out of the workspace). */
export interface FileModelUri {
  readonly scheme: "file";
  readonly uri: string;
  /** Normalized POSIX path relative to the project folder. */
  readonly path: string;
}

/** `npm:PACKAGE/PATH`: a file or folder inside an installed package. */
export interface NpmModelUri {
  readonly scheme: "npm";
  readonly uri: string;
  /** `name` or `@scope/name`. */
  readonly package: string;
  /** POSIX path inside the package. */
  readonly path: string;
}

/** `s3://BUCKET/KEY`: one object, or every object under a prefix (a folder). */
export interface S3ModelUri {
  readonly scheme: "s3";
  readonly uri: string;
  readonly bucket: string;
  /** The key or prefix without a trailing slash ("" = the whole bucket). */
  readonly key: string;
  /** True when the URI ends with `/` (or names the bucket): a folder for sure, no single-object lookup. */
  readonly folder: boolean;
}

/** `https://HOST/PATH`: one file (`http://` only on loopback, for tests). */
export interface HttpsModelUri {
  readonly scheme: "https";
  readonly uri: string;
  readonly url: URL;
  /** The last path segment, the file's name in the cache. */
  readonly fileName: string;
}

/** `hf://[ORG/]NAME[@REVISION]`: a model repository on the Hugging Face Hub. */
export interface HfModelUri {
  readonly scheme: "hf";
  readonly uri: string;
  /** `ORG/NAME` or `NAME`, as the Hub's URLs spell it. */
  readonly repo: string;
  /** Branch, tag or commit; "main" when the URI names none. */
  readonly revision: string;
}

export type ModelUri = FileModelUri | NpmModelUri | S3ModelUri | HttpsModelUri | HfModelUri;
export type ModelScheme = ModelUri["scheme"];

const NPM_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Hub repository and organisation names: letters, digits, `-`, `_`, `.`; no `--` or `..`; at most 96 characters. */
const HF_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
const HF_REVISION = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

const SCHEMES = "file://, npm:, s3://, https:// or hf://";

/** Parses `uri`, or returns the problem as one sentence. */
function parse(uri: string): ModelUri | string {
  if (typeof uri !== "string" || uri.trim() === "") return "the model source URI is empty";
  if (uri.includes("\0")) return "the model source URI contains a NUL byte";
  if (/\s/.test(uri)) return "the model source URI contains whitespace";
  if (uri.startsWith("file://")) return parseFile(uri, uri.slice("file://".length));
  if (uri.startsWith("npm:")) return parseNpm(uri, uri.slice("npm:".length));
  if (uri.startsWith("s3://")) return parseS3(uri, uri.slice("s3://".length));
  if (uri.startsWith("https://") || uri.startsWith("http://")) return parseHttps(uri);
  if (uri.startsWith("hf://")) return parseHf(uri, uri.slice("hf://".length));
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(uri)?.[0];
  return scheme ? `unknown scheme "${scheme}" (use ${SCHEMES})` : `the model source needs a scheme (use ${SCHEMES})`;
}

function parseFile(uri: string, rest: string): FileModelUri | string {
  if (rest === "") return "file:// names no path (write file://models/model.onnx, relative to the project folder)";
  if (rest.startsWith("/")) return `file:// paths are relative to the project folder, not absolute (got ${rest})`;
  if (rest.includes("\\")) return "file:// paths use / as the separator, not \\";
  const normalized = path.posix.normalize(rest).replace(/\/+$/, "");
  // `..` is allowed here: only the resolver knows the project folder and can tell whether it leaves the workspace.
  if (normalized === "." || normalized === "") return "file:// must name a model file or folder, not the project folder itself";
  return { scheme: "file", uri, path: normalized };
}

function parseNpm(uri: string, rest: string): NpmModelUri | string {
  const parts = rest.split("/");
  const n = rest.startsWith("@") ? 2 : 1;
  const pkg = parts.slice(0, n).join("/");
  if (parts.length < n || !NPM_NAME.test(pkg)) return `npm: must start with a package name, e.g. npm:PACKAGE/PATH or npm:@SCOPE/PACKAGE/PATH (got "${pkg}")`;
  const sub = parts.slice(n).join("/").replace(/\/+$/, "");
  if (sub === "") return `npm:${pkg} names no file or folder inside the package (write npm:${pkg}/PATH)`;
  const problem = relPathProblem(sub);
  if (problem) return `the path inside npm package ${pkg} ${problem}`;
  return { scheme: "npm", uri, package: pkg, path: sub };
}

function parseS3(uri: string, rest: string): S3ModelUri | string {
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (!BUCKET.test(bucket) || bucket.includes("..")) return `"${bucket}" is not a valid S3 bucket name (write s3://BUCKET/PREFIX)`;
  const raw = slash < 0 ? "" : rest.slice(slash + 1);
  const key = raw.replace(/\/+$/, "");
  if (key !== "") {
    const problem = relPathProblem(key);
    if (problem) return `the S3 key ${JSON.stringify(key)} ${problem}`;
  }
  return { scheme: "s3", uri, bucket, key, folder: key === "" || raw.endsWith("/") };
}

function parseHttps(uri: string): HttpsModelUri | string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "not a valid URL";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    return "only https:// is allowed for downloads (http:// only on loopback)";
  }
  if (url.username || url.password) return "the URL must not carry a user name or password (they would end up in logs and lock files)";
  const fileName = decodeURIComponent(url.pathname.split("/").pop() ?? "");
  if (fileName === "" || relPathProblem(fileName) || fileName.includes("/")) return "the URL must end in a file name, e.g. https://example.com/models/model.onnx";
  return { scheme: "https", uri, url, fileName };
}

function parseHf(uri: string, rest: string): HfModelUri | string {
  const at = rest.indexOf("@");
  const repo = at < 0 ? rest : rest.slice(0, at);
  const revision = at < 0 ? "main" : rest.slice(at + 1);
  const segs = repo.split("/");
  if (repo === "" || segs.length > 2) return `hf:// names a Hub repository as ORG/NAME or NAME, optionally @REVISION (got "${repo}")`;
  for (const seg of segs) {
    if (!HF_NAME.test(seg) || seg.includes("--") || seg.includes("..")) {
      return `"${seg}" is not a valid Hugging Face repository or organisation name (letters, digits, - _ . ; no -- or ..)`;
    }
  }
  if (at >= 0 && revision === "") return "nothing follows @ (write hf://ORG/NAME@REVISION with a branch, tag or commit)";
  if (!HF_REVISION.test(revision) || revision.split("/").includes("..")) return `"${revision}" is not a valid revision (a branch, tag or commit sha)`;
  return { scheme: "hf", uri, repo, revision };
}

/** The problem with `uri` as one sentence, or undefined when it is a well-formed model source. Pure. */
export function checkModelUri(uri: string): string | undefined {
  const parsed = parse(uri);
  return typeof parsed === "string" ? parsed : undefined;
}

/** Parses a model source URI; throws ModelSourceError("invalid-uri") naming the URI and the problem. */
export function parseModelUri(uri: string): ModelUri {
  const parsed = parse(uri);
  if (typeof parsed === "string") throw new ModelSourceError("invalid-uri", `invalid model source ${JSON.stringify(uri)}: ${parsed}`);
  return parsed;
}

/** A full Hub commit sha (what `@main` resolves to, and what a lock pins). */
export const isCommitSha = (s: string): boolean => /^[0-9a-f]{40}$/.test(s);
