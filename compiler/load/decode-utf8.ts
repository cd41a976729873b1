/**
 * Strict UTF-8 decoding that says where it failed. `TextDecoder` with `fatal: true` refuses
 * bad input but does not say where; we then walk the bytes once to find the first invalid one
 * and turn its offset into a line and column a user can jump to.
 */

export type Utf8Result = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly offset: number; readonly byte: number; readonly line: number; readonly column: number };

/** Decodes `bytes` as UTF-8 (a leading BOM is dropped) or reports the first bad byte. */
export function decodeUtf8(bytes: Uint8Array): Utf8Result {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidByte(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
    const lastNewline = before.lastIndexOf("\n");
    const line = before.split("\n").length;
    // Column in characters (code points), 1-based, like the YAML positions.
    const column = [...before.slice(lastNewline + 1)].length + 1;
    return { ok: false, offset, byte: bytes[offset] ?? 0, line, column };
  }
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong forms
      if (b === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return i; // the sequence starting at i is broken
    }
    i += need + 1;
  }
  return bytes.length;
}
