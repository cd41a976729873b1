/**
 * `hf://[ORG/]NAME[@REVISION]` over the Hub's plain HTTP API (no client library):
 *   GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true → { sha, siblings[] }
 *   GET {endpoint}/{repo}/resolve/{sha}/{path}                      → the file (redirects)
 * The branch is resolved to its commit once and every file is fetched at that commit, so a
 * push to `main` mid-download cannot mix two versions. Only the files serving needs are
 * fetched (layout.ts). LFS files are checked against the Hub's sha256, the others against
 * their git blob id. Every failure is one sentence that says what to do.
 */
import * as path from "node:path";
import { ModelSourceError } from "./errors.js";
import { HttpError, downloadToFile, getJson, describeFailure, type HttpOptions } from "./http.js";
import { selectHubFiles } from "./layout.js";
import { LOCK_FILE_NAME, type ModelLock } from "./lock.js";
import { relPathProblem } from "./paths.js";
import type { RemoteFile, RemoteSource } from "./remote.js";
import { isCommitSha, type HfModelUri } from "./uri.js";

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

/** The listing answer is a few hundred KB even for big repositories; anything past this is not the API. */
const MAX_LISTING_BYTES = 64 * 1024 * 1024;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface HubSettings {
  readonly cacheDir: string;
  readonly include: readonly string[];
  readonly endpoint?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
}

/** The endpoint to use: the option, else MESH_HF_ENDPOINT, else HF_ENDPOINT, else the public Hub; without a trailing slash. */
export function hubEndpoint(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const [value, from] = [
    [option, "the hfEndpoint option"],
    [env.MESH_HF_ENDPOINT, "MESH_HF_ENDPOINT"],
    [env.HF_ENDPOINT, "HF_ENDPOINT"],
  ].find(([v]) => v !== undefined && v.trim() !== "") ?? [DEFAULT_HF_ENDPOINT, "the default"];
  const text = (value as string).trim().replace(/\/+$/, "");
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname)))) {
    throw new ModelSourceError("invalid-uri", `the Hugging Face endpoint ${JSON.stringify(text)} (from ${from}) is not an https:// URL`);
  }
  return text;
}

interface Sibling {
  readonly rfilename: string;
  readonly size?: number;
  readonly blobId?: string;
  readonly lfs?: { readonly sha256?: string };
}

export function hfSource(u: HfModelUri, s: HubSettings): RemoteSource {
  const endpoint = hubEndpoint(s.endpoint, s.env);
  const token = s.env.HF_TOKEN?.trim() || undefined;
  const http: HttpOptions = {
    fetch: s.fetch,
    timeoutMs: s.timeoutMs,
    ...(token ? { auth: { origin: new URL(endpoint).origin, authorization: `Bearer ${token}` } } : {}),
  };
  const repoPath = u.repo.split("/").map(encodeURIComponent).join("/");
  const repoPage = `${endpoint}/${u.repo}`;
  const include = [...new Set(s.include)].sort();

  /** One sentence per way the Hub can fail; `file` is set for downloads, unset for the listing. */
  const fail = (err: unknown, file?: { path: string; revision: string }): never => {
    if (!(err instanceof HttpError)) {
      if (err instanceof ModelSourceError) throw err;
      if (err instanceof SyntaxError)
        throw new ModelSourceError("io", `the Hugging Face Hub at ${endpoint} did not answer with the model API's JSON for ${u.uri} (is the endpoint a Hub or a mirror of one?)`);
      throw err;
    }
    const f = err.failure;
    if (f.kind === "network" || f.kind === "timeout") {
      throw new ModelSourceError(
        "unreachable",
        `cannot reach the Hugging Face Hub at ${endpoint} (${describeFailure(f)}): download the model folder and point model.source.uri at it with file://, or set MESH_HF_ENDPOINT to a mirror`,
        { cause: err },
      );
    }
    if (f.kind === "redirect") throw new ModelSourceError("io", `the Hugging Face Hub at ${endpoint} ${f.detail} for ${u.uri}`, { cause: err });
    const status = `${f.status}${f.errorCode ? ` ${f.errorCode}` : ""}`;
    if (f.errorCode === "GatedRepo") {
      throw new ModelSourceError("denied", `${u.repo} is a gated repository (${status}): accept its terms at ${repoPage} and set HF_TOKEN to a token of that account`, { cause: err });
    }
    if (f.status === 401) {
      throw new ModelSourceError(
        "denied",
        token
          ? `the Hugging Face Hub at ${endpoint} rejected HF_TOKEN for ${u.repo} (${status}): check that the token is valid and can read the repository`
          : `the Hugging Face Hub at ${endpoint} refused ${u.repo} without a token (${status}): the repository is private or gated, or does not exist; set HF_TOKEN to a token that can read it, or check the name`,
        { cause: err },
      );
    }
    if (f.status === 403) {
      throw new ModelSourceError(
        "denied",
        `the Hugging Face Hub at ${endpoint} refused access to ${u.repo} (${status}): accept its terms at ${repoPage}, or ${token ? "use an HF_TOKEN with read access" : "set HF_TOKEN to a token with read access"}`,
        { cause: err },
      );
    }
    if (f.status === 404) {
      if (file && f.errorCode !== "RepoNotFound" && f.errorCode !== "RevisionNotFound") {
        throw new ModelSourceError("not-found", `${u.repo} has no file ${file.path} at commit ${file.revision} on the Hugging Face Hub at ${endpoint} (${status})`, { cause: err });
      }
      if (f.errorCode === "RevisionNotFound") {
        throw new ModelSourceError(
          "not-found",
          `${u.repo} has no revision "${file?.revision ?? u.revision}" on the Hugging Face Hub at ${endpoint} (${status}): check the branch, tag or commit after @ in model.source.uri`,
          { cause: err },
        );
      }
      throw new ModelSourceError(
        "not-found",
        `the Hugging Face Hub at ${endpoint} has no model ${u.repo}${f.errorCode === "RepoNotFound" ? "" : ` at revision "${u.revision}"`} (${status}): check the repository id${f.errorCode === "RepoNotFound" ? "" : " and the revision"} in model.source.uri`,
        { cause: err },
      );
    }
    if (f.status === 429) {
      throw new ModelSourceError(
        "io",
        `the Hugging Face Hub at ${endpoint} is rate-limiting requests (429): wait and try again${token ? "" : ", or set HF_TOKEN (signed-in requests get a higher limit)"}`,
        { cause: err },
      );
    }
    throw new ModelSourceError(
      "io",
      `the Hugging Face Hub at ${endpoint} answered ${describeFailure(f)} for ${file ? `${file.path} of ` : ""}${u.uri}: try again later, or set MESH_HF_ENDPOINT to a mirror`,
      { cause: err },
    );
  };

  const fileUrl = (revision: string, rel: string) => `${endpoint}/${repoPath}/resolve/${revision}/${rel.split("/").map(encodeURIComponent).join("/")}`;
  /** Which file and commit a download URL is for, for 404 sentences. */
  const urls = new Map<string, { path: string; revision: string }>();
  const remoteFile = (revision: string, rel: string, extra: Omit<RemoteFile, "path" | "from">): RemoteFile => {
    const from = fileUrl(revision, rel);
    urls.set(from, { path: rel, revision });
    return { path: rel, from, ...extra };
  };

  return {
    uri: u.uri,
    cacheDir: path.join(s.cacheDir, "hf", u.repo.replace("/", "--")),
    refName: `${u.uri}\ninclude=${include.join(",")}`,

    async list() {
      const api = `${endpoint}/api/models/${repoPath}/revision/${encodeURIComponent(u.revision)}?blobs=true`;
      const tooBig = () => new ModelSourceError("io", `the Hugging Face Hub at ${endpoint} answered more than ${MAX_LISTING_BYTES} bytes for the listing of ${u.uri}`);
      const info = (await getJson(api, http, MAX_LISTING_BYTES, tooBig).catch(fail)) as { sha?: unknown; siblings?: unknown };
      if (typeof info?.sha !== "string" || !isCommitSha(info.sha) || !Array.isArray(info.siblings)) {
        throw new ModelSourceError("io", `the Hugging Face Hub at ${endpoint} answered the listing of ${u.uri} without a commit sha and a file list`);
      }
      const byName = new Map<string, Sibling>();
      for (const sib of info.siblings as Sibling[]) {
        // A name that is not a plain relative path could not be written inside the cache; serving never needs one.
        if (typeof sib?.rfilename === "string" && !relPathProblem(sib.rfilename)) byName.set(sib.rfilename, sib);
      }
      const picked = selectHubFiles(`${u.uri} (commit ${info.sha})`, [...byName.keys()], include);
      const files = picked.map((rel): RemoteFile => {
        const sib = byName.get(rel);
        const sha256 = sib?.lfs?.sha256;
        return remoteFile(info.sha as string, rel, {
          ...(typeof sib?.size === "number" ? { size: sib.size } : {}),
          ...(typeof sha256 === "string" && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
          ...(!sib?.lfs && typeof sib?.blobId === "string" && /^[0-9a-f]{40}$/.test(sib.blobId) ? { gitBlob: sib.blobId } : {}),
        });
      });
      return { kind: "folder", revision: info.sha, identity: `${info.sha}\n${picked.join("\n")}`, files };
    },

    fromLock(lock: ModelLock) {
      if (!lock.revision || !isCommitSha(lock.revision)) throw new ModelSourceError("invalid-lock", `${LOCK_FILE_NAME} for ${u.uri} pins no commit (revision)`);
      if (isCommitSha(u.revision) && u.revision !== lock.revision) {
        throw new ModelSourceError("invalid-lock", `${LOCK_FILE_NAME} pins commit ${lock.revision}, but ${u.uri} names commit ${u.revision}; update the lock`);
      }
      const missing = include.find((f) => !(f in lock.files));
      if (missing) throw new ModelSourceError("invalid-lock", `include names ${missing}, which ${LOCK_FILE_NAME} does not pin; update the lock`);
      const revision = lock.revision;
      const files = Object.entries(lock.files).map(([rel, pin]) => remoteFile(revision, rel, { size: pin.size, sha256: pin.sha256 }));
      return { kind: "folder", revision, files };
    },

    download(file, dest, meter) {
      return downloadToFile(file.from, dest, http, meter).catch((err: unknown) => fail(err, urls.get(file.from)));
    },
  };
}
