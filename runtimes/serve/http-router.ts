/**
 * A tiny exact-path router over node:http. Every route of a served project is a fixed path
 * (the model name is known at start-up), so one Map lookup replaces a framework router.
 * Unknown path → 404, known path with another method → 405 with `Allow`.
 */
import type { Exchange } from "./respond.js";

export type Handler = (ex: Exchange) => void;

interface Entry {
  /** Route label for metrics (the path itself: bounded, never user input). */
  readonly label: string;
  readonly methods: Map<string, Handler>;
}

export type Match =
  | { readonly kind: "ok"; readonly label: string; readonly handler: Handler }
  | { readonly kind: "not_found" }
  | { readonly kind: "method_not_allowed"; readonly label: string; readonly allow: string };

export class Router {
  readonly #paths = new Map<string, Entry>();

  add(method: "GET" | "POST", path: string, handler: Handler): this {
    let entry = this.#paths.get(path);
    if (!entry) {
      entry = { label: path, methods: new Map() };
      this.#paths.set(path, entry);
    }
    if (entry.methods.has(method)) throw new Error(`route ${method} ${path} registered twice`);
    entry.methods.set(method, handler);
    return this;
  }

  /** `rawUrl` is `req.url`: the query string is ignored; a trailing slash is not a different route. */
  match(method: string | undefined, rawUrl: string | undefined): Match {
    const url = rawUrl ?? "/";
    const q = url.indexOf("?");
    let path = q < 0 ? url : url.slice(0, q);
    if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
    const entry = this.#paths.get(path);
    if (!entry) return { kind: "not_found" };
    const handler = entry.methods.get(method ?? "GET") ?? (method === "HEAD" ? entry.methods.get("GET") : undefined);
    if (handler) return { kind: "ok", label: entry.label, handler };
    return { kind: "method_not_allowed", label: entry.label, allow: [...entry.methods.keys()].join(", ") };
  }

  /** Registered routes as `METHOD path`, sorted (for docs and tests). */
  list(): string[] {
    const out: string[] = [];
    for (const [path, e] of this.#paths) for (const m of e.methods.keys()) out.push(`${m} ${path}`);
    return out.sort();
  }
}
