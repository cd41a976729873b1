/** The server answered with an error status; its error list is in errors. */
export class ApiError extends Error {
    status;
    errors;
    /** Seconds to wait before retrying (503), when the server said so. */
    retryAfter;
    constructor(status, errors, retryAfter) {
        super(errors.map((e) => (e.source ? e.source.pointer + ": " : "") + e.detail).join("; ") || "HTTP " + status);
        this.name = "ApiError";
        this.status = status;
        this.errors = errors;
        this.retryAfter = retryAfter;
    }
}
/** No answer within the timeout. */
export class TimeoutError extends Error {
    timeoutMs;
    constructor(timeoutMs) {
        super("no answer within " + timeoutMs + " ms");
        this.timeoutMs = timeoutMs;
        this.name = "TimeoutError";
    }
}
async function errorOf(res) {
    const text = await res.text();
    let errors = [];
    try {
        const body = JSON.parse(text);
        if (Array.isArray(body.errors))
            errors = body.errors;
    }
    catch {
        // not JSON: keep the start of the text as the detail
    }
    if (errors.length === 0)
        errors = [{ status: String(res.status), code: "http_" + res.status, detail: text.slice(0, 500) || res.statusText }];
    const retry = res.headers.get("retry-after");
    return new ApiError(res.status, errors, retry !== null && /^\d+$/.test(retry) ? Number(retry) : undefined);
}
/** The HTTP layer of the generated client class; exported so a caller can reuse it for a route the client does not wrap. */
export class Transport {
    #base;
    #timeoutMs;
    #headers;
    #fetch;
    constructor(options) {
        this.#base = options.baseUrl.replace(/\/+$/, "");
        this.#timeoutMs = options.timeoutMs ?? 10000;
        this.#headers = options.headers ?? {};
        this.#fetch = options.fetch ?? fetch;
    }
    /** Sends one request; resolves with the response (any status) or rejects on timeout. */
    async send(method, path, body, call = {}) {
        const timeoutMs = call.timeoutMs ?? this.#timeoutMs;
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeoutMs);
        const onAbort = () => controller.abort();
        call.signal?.addEventListener("abort", onAbort, { once: true });
        try {
            const headers = { accept: "application/json", ...this.#headers };
            if (body !== undefined)
                headers["content-type"] = "application/json";
            return await this.#fetch(this.#base + path, {
                method,
                headers,
                body: body === undefined ? null : JSON.stringify(body),
                signal: controller.signal,
            });
        }
        catch (err) {
            if (controller.signal.aborted && !call.signal?.aborted)
                throw new TimeoutError(timeoutMs);
            throw err;
        }
        finally {
            clearTimeout(timer);
            call.signal?.removeEventListener("abort", onAbort);
        }
    }
    /** Sends one request and parses a 2xx JSON answer; any other status becomes an ApiError. */
    async json(method, path, body, call) {
        const res = await this.send(method, path, body, call);
        if (!res.ok)
            throw await errorOf(res);
        return (await res.json());
    }
}
