/**
 * The project-independent part of every generated client (copied verbatim into
 * out/<name>/client/client.ts, its JavaScript twin client-runtime.js into client.js): errors in
 * the CONTRACTS shape, timeouts through AbortSignal, and one transport over `fetch`. The client
 * stays a single file with no dependencies. A test type-checks this file with tsc and checks
 * that client-runtime.js is its transpiled twin.
 */
/** One error in the CONTRACTS shape. */
export type ApiErrorItem = {
  status: string;
  code: string;
  detail: string;
  source?: { pointer: string };
};

/** The server answered with an error status; its error list is in errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: readonly ApiErrorItem[];
  /** Seconds to wait before retrying (503), when the server said so. */
  readonly retryAfter: number | undefined;
  constructor(status: number, errors: readonly ApiErrorItem[], retryAfter: number | undefined) {
    super(errors.map((e) => (e.source ? e.source.pointer + ": " : "") + e.detail).join("; ") || "HTTP " + status);
    this.name = "ApiError";
    this.status = status;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }
}

/** No answer within the timeout. */
export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super("no answer within " + timeoutMs + " ms");
    this.name = "TimeoutError";
  }
}

export type ClientOptions = {
  /** Where the server listens, e.g. http://127.0.0.1:8000 (no trailing path). */
  baseUrl: string;
  /** Per-request timeout in milliseconds (default 10000). */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. authorization added by a gateway). */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
};

export type CallOptions = {
  signal?: AbortSignal;
  timeoutMs?: number;
};

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let errors: ApiErrorItem[] = [];
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) errors = body.errors as ApiErrorItem[];
  } catch {
    // not JSON: keep the start of the text as the detail
  }
  if (errors.length === 0) errors = [{ status: String(res.status), code: "http_" + res.status, detail: text.slice(0, 500) || res.statusText }];
  const retry = res.headers.get("retry-after");
  return new ApiError(res.status, errors, retry !== null && /^\d+$/.test(retry) ? Number(retry) : undefined);
}

/** The HTTP layer of the generated client class; exported so a caller can reuse it for a route the client does not wrap. */
export class Transport {
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  constructor(options: ClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? 10000;
    this.#headers = options.headers ?? {};
    this.#fetch = options.fetch ?? fetch;
  }

  /** Sends one request; resolves with the response (any status) or rejects on timeout. */
  async send(method: string, path: string, body: unknown, call: CallOptions = {}): Promise<Response> {
    const timeoutMs = call.timeoutMs ?? this.#timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const onAbort = () => controller.abort();
    call.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const headers: Record<string, string> = { accept: "application/json", ...this.#headers };
      if (body !== undefined) headers["content-type"] = "application/json";
      return await this.#fetch(this.#base + path, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (err) {
      if (controller.signal.aborted && !call.signal?.aborted) throw new TimeoutError(timeoutMs);
      throw err;
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Sends one request and parses a 2xx JSON answer; any other status becomes an ApiError. */
  async json<T>(method: string, path: string, body?: unknown, call?: CallOptions): Promise<T> {
    const res = await this.send(method, path, body, call);
    if (!res.ok) throw await errorOf(res);
    return (await res.json()) as T;
  }
}
