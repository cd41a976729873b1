/**
 * What a token's character offsets must cover, worked out from the tokenizer.json of the
 * model, independently of the tokenizer libraries. Used by the tokenizer parity test to check
 * mesh's UTF-16 offsets (runtimes/transformers/tokenizer.ts) token by token.
 *
 * WordPiece with a BertNormalizer (BERT cased and uncased): the text under the offsets, put
 * through the same normalisation — clean_text drops NUL, U+FFFD and every "other" character
 * (\p{C} but tab, LF, CR) and maps white space to a space; strip_accents is NFD then dropping
 * \p{Mn}; lowercase — is the token with its "##" removed. Exceptions: the unknown token
 * covers the whole word that could not be split (non-empty, no white space inside once
 * normalised); an added token (special tokens written in the text, e.g. "[MASK]") is matched
 * on the raw text, before normalisation, so its text is its content exactly.
 *
 * Byte-level BPE (RoBERTa): a token is bytes, spelled with the GPT-2 byte alphabet. When the
 * bytes are whole UTF-8 characters, the text under the offsets is the decoded token with its
 * leading spaces removed (trim_offsets: the "Ġ" space belongs to the token, not to its
 * offsets, so a lone "Ġ" covers nothing). When they are part of one character (an emoji cut
 * into byte tokens), every such token covers the whole character(s), whose UTF-8 bytes
 * contain the token's bytes.
 */

export interface TokenizerJson {
  readonly normalizer?: { readonly type?: string; readonly clean_text?: boolean; readonly strip_accents?: boolean | null; readonly lowercase?: boolean } | null;
  readonly pre_tokenizer?: { readonly type?: string } | null;
  readonly model: { readonly type: string; readonly unk_token?: string; readonly continuing_subword_prefix?: string };
  readonly added_tokens?: readonly { readonly id: number; readonly content: string }[];
}

/** GPT-2's byte ↔ printable-character table: character → byte. */
function byteLevelDecoder(): Map<string, number> {
  const bytes: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bytes.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bytes.push(b);
  for (let b = 0xae; b <= 0xff; b++) bytes.push(b);
  const chars = [...bytes];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + n++);
    }
  }
  return new Map(bytes.map((b, i) => [String.fromCodePoint(chars[i]!), b]));
}

const BYTE_OF = byteLevelDecoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const utf8 = new TextEncoder();

/** HF's BertNormalizer on a piece of text (handle_chinese_chars only adds spaces around CJK, which a token's own span never includes). */
export function bertNormalize(text: string, cfg: { readonly clean_text?: boolean; readonly strip_accents?: boolean | null; readonly lowercase?: boolean }): string {
  let s = text;
  if (cfg.clean_text !== false) {
    s = Array.from(s)
      .filter((c) => c !== "\u0000" && c !== "\ufffd" && !(c !== "\t" && c !== "\n" && c !== "\r" && /\p{C}/u.test(c)))
      .map((c) => (/^[\t\n\r ]$|\p{Zs}/u.test(c) ? " " : c))
      .join("");
  }
  // strip_accents null follows lowercase, as in BERT's uncased models.
  const strip = cfg.strip_accents ?? cfg.lowercase ?? false;
  if (strip) s = s.normalize("NFD").replace(/\p{Mn}/gu, "");
  if (cfg.lowercase) s = s.toLowerCase();
  return s;
}

export type SurfaceCheck = (token: string, id: number, covered: string) => string | null;

/** A checker for one tokenizer: null when the covered text is right, else the reason. */
export function surfaceChecker(json: TokenizerJson): SurfaceCheck {
  const added = new Map((json.added_tokens ?? []).map((t) => [t.id, t.content]));
  if (json.model.type === "WordPiece") {
    const norm = json.normalizer;
    if (!norm || norm.type !== "BertNormalizer") throw new Error(`token-surface: WordPiece with normalizer ${JSON.stringify(norm)} is not modelled`);
    const prefix = json.model.continuing_subword_prefix ?? "##";
    const unk = json.model.unk_token;
    return (token, id, covered) => {
      const content = added.get(id);
      if (content !== undefined && token !== unk) return covered === content ? null : `added token ${JSON.stringify(content)} covers ${JSON.stringify(covered)}`;
      const normalized = bertNormalize(covered, norm);
      if (token === unk) return covered.length > 0 && !normalized.includes(" ") ? null : `${unk} covers ${JSON.stringify(covered)}`;
      const bare = token.startsWith(prefix) ? token.slice(prefix.length) : token;
      return normalized === bare ? null : `token ${JSON.stringify(token)} covers ${JSON.stringify(covered)}, normalised ${JSON.stringify(normalized)}`;
    };
  }
  if (json.model.type === "BPE" && json.pre_tokenizer?.type === "ByteLevel") {
    return (token, id, covered) => {
      const content = added.get(id);
      if (content !== undefined) return covered === content ? null : `added token ${JSON.stringify(content)} covers ${JSON.stringify(covered)}`;
      const bytes = Uint8Array.from(Array.from(token), (c) => {
        const b = BYTE_OF.get(c);
        if (b === undefined) throw new Error(`token-surface: ${JSON.stringify(token)} is not byte-level`);
        return b;
      });
      let start = 0;
      while (start < bytes.length && bytes[start] === 0x20) start++;
      const body = bytes.subarray(start);
      let decoded: string | undefined;
      try {
        decoded = strictUtf8.decode(bytes);
      } catch {
        decoded = undefined;
      }
      if (decoded !== undefined) return covered === decoded.replace(/^ +/, "") ? null : `token ${JSON.stringify(token)} (${JSON.stringify(decoded)}) covers ${JSON.stringify(covered)}`;
      const coveredBytes = utf8.encode(covered);
      return covered.length > 0 && Buffer.from(coveredBytes).includes(Buffer.from(body)) ? null : `partial token ${JSON.stringify(token)} covers ${JSON.stringify(covered)}`;
    };
  }
  throw new Error(`token-surface: tokenizer model ${json.model.type} is not modelled`);
}

/**
 * The characters of `text` that no token covers must be ones the tokenizer drops: white space,
 * and for a BertNormalizer also what clean_text and strip_accents remove. Returns the
 * offending characters (empty when every kept character is covered).
 */
export function uncoveredKept(text: string, spans: readonly (readonly [number, number])[], json: TokenizerJson): string[] {
  const covered = new Uint8Array(text.length);
  for (const [s, e] of spans) covered.fill(1, s, e);
  const bad: string[] = [];
  let i = 0;
  for (const ch of text) {
    const at = i;
    i += ch.length;
    if (covered[at]) continue;
    if (/\s/u.test(ch)) continue;
    if (json.normalizer?.type === "BertNormalizer" && bertNormalize(ch, json.normalizer).trim() === "") continue;
    bad.push(ch);
  }
  return bad;
}
