/** Errors in the CONTRACTS shape `{"errors": [{status, code, detail, source: {pointer}}]}`. */
import type { ApiError } from "./definition.js";

/** One error; `pointer` is a JSON pointer into the request body ("" = the whole body). */
export function apiError(status: number, code: string, detail: string, pointer?: string): ApiError {
  return pointer === undefined ? { status: String(status), code, detail } : { status: String(status), code, detail, source: { pointer } };
}

/** Escapes one JSON-pointer token (RFC 6901). */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}
