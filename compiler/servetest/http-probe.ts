/**
 * Raw HTTP probes for the protocol checks: requests the typed client would never send
 * (wrong namespace, malformed JSON, wrong content type, oversized bodies), answers kept
 * whole for the failure message.
 */
import { request } from "node:http";

export interface Probe {
  readonly status: number;
  readonly type: string;
  readonly text: string;
  readonly json: unknown;
}

export async function raw(ctx: { readonly baseUrl: string }, method: string, path: string, body?: string, type = "application/json"): Promise<Probe> {
  const res = await fetch(ctx.baseUrl + path, {
    method,
    ...(body !== undefined ? { body, headers: { "content-type": type } } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get("content-type") ?? "", text, json };
}

/**
 * POSTs a body the server may refuse before reading it (413): node:http hands over the
 * answer even when the server closes the connection mid-upload, where fetch may only see a
 * reset socket.
 */
export function postEarlyAnswer(url: string, body: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), json, text });
      });
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
    // EPIPE/ECONNRESET after the answer arrived are expected: the server stopped reading.
    req.on("error", reject);
    req.end(body);
  });
}

/** A 4xx answer in the CONTRACTS error shape, optionally pointing at `pointer`. */
export function expectError(r: { status: number; json: unknown; text: string }, status: number, pointer?: string): string | undefined {
  if (r.status !== status) return `expected ${status}, got ${r.status}: ${r.text.slice(0, 200)}`;
  const errors = (r.json as { errors?: { status?: string; source?: { pointer?: string } }[] } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return `expected {"errors": [...]}, got ${r.text.slice(0, 200)}`;
  if (pointer !== undefined && !errors.some((e) => e.source?.pointer === pointer)) return `no error points at ${pointer}: ${r.text.slice(0, 200)}`;
  return undefined;
}
