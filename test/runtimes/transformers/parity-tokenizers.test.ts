/**
 * Tokenizer parity: mesh's tokenizer (runtimes/transformers/tokenizer.ts, over the native
 * Rust `tokenizers` through napi) against two JavaScript implementations that mesh does not
 * use — `@huggingface/tokenizers` (tokenizers.js, pure JS) and transformers.js's
 * `AutoTokenizer` (its own PreTrainedTokenizer wrapper over a bundled copy of tokenizers.js,
 * reading tokenizer_config.json as well) — on the tokenizer.json of each example model and a
 * few hundred deterministic texts (corpus sentences, raw mail, hostile unicode).
 *
 * Asserted:
 * - input ids identical across the three, text by text (special tokens included);
 * - mesh's UTF-16 offsets: `text.slice(start, end)` is what each token stands for, by the
 *   rules of support/token-surface.ts, and no kept character is left uncovered;
 * - NFC and NFD spellings: equal ids exactly when the normaliser strips accents;
 * - truncation, where the libraries DO differ (asserted exactly, see the test).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer as TokenizersJs } from "@huggingface/tokenizers";
import { AutoTokenizer, env } from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadTokenizer, type Encoded, type TextTokenizer } from "../../../runtimes/transformers/tokenizer.js";
import { forbidNetwork, MODEL_NAMES, modelDir, stageForTransformersJs } from "../../support/transformers/parity-models.js";
import { HOSTILE, parityTexts } from "../../support/transformers/parity-texts.js";
import { surfaceChecker, uncoveredKept, type TokenizerJson } from "../../support/transformers/token-surface.js";

const TEXTS = parityTexts();
/** Longer than any input: the id comparison is of whole encodings. */
const NO_LIMIT = 1_000_000;

type TjsTokenizer = (texts: string[], options: Record<string, unknown>) => { input_ids: number[][]; attention_mask: number[][] };

let stage: ReturnType<typeof stageForTransformersJs>;
let allowNetwork: () => void;

beforeAll(() => {
  stage = stageForTransformersJs(MODEL_NAMES);
  allowNetwork = forbidNetwork();
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = stage.root;
  env.useFSCache = false;
});

afterAll(() => {
  allowNetwork?.();
  stage?.release();
});

test("the corpus is a few hundred texts with the hostile cases in it", () => {
  expect(TEXTS.length).toBeGreaterThanOrEqual(300);
  expect(new Set(TEXTS).size).toBe(TEXTS.length);
  for (const t of ["", "family 👨‍👩‍👧‍👦 and couple 👩‍❤️‍👨", "café".normalize("NFD"), "שלום עולם", "zero\u200bwidth\u200bspace", "bell\u0007and\u0000null"]) expect(TEXTS).toContain(t);
});

describe.each(MODEL_NAMES)("%s tokenizer.json", (name) => {
  const dir = modelDir(name);
  let json: TokenizerJson;
  let mesh: TextTokenizer;
  let js: TokenizersJs;
  let tjs: TjsTokenizer;
  let meshEnc: Encoded[];

  beforeAll(async () => {
    const raw = readFileSync(join(dir, "tokenizer.json"), "utf8");
    json = JSON.parse(raw) as TokenizerJson;
    mesh = loadTokenizer(dir);
    js = new TokenizersJs(JSON.parse(raw) as object, JSON.parse(readFileSync(join(dir, "tokenizer_config.json"), "utf8")) as object);
    tjs = (await AutoTokenizer.from_pretrained(name, { local_files_only: true })) as unknown as TjsTokenizer;
    meshEnc = await mesh.encode(TEXTS, { maxLength: NO_LIMIT, truncate: false, detail: true });
  });

  test("input ids: mesh = @huggingface/tokenizers = transformers.js AutoTokenizer, text by text", () => {
    const viaJs = TEXTS.map((t) => js.encode(t).ids);
    // return_tensor false: plain arrays; no padding or truncation unless asked for.
    const viaTjs = tjs(TEXTS, { return_tensor: false }).input_ids;
    const differ = (other: readonly (readonly number[])[]) =>
      TEXTS.flatMap((text, i) => (JSON.stringify(other[i]) === JSON.stringify(meshEnc[i]!.ids) ? [] : [{ i, text, mesh: meshEnc[i]!.ids, other: other[i] }]));
    expect(differ(viaJs), "tokenizers.js").toEqual([]);
    expect(differ(viaTjs), "transformers.js").toEqual([]);
    // Not vacuous: every text has its special tokens and most have many more.
    expect(meshEnc.every((e) => e.ids.length >= 2)).toBe(true);
    expect(meshEnc.reduce((n, e) => n + e.ids.length, 0)).toBeGreaterThan(TEXTS.length * 10);
  });

  test("token strings and the special-tokens mask agree with tokenizers.js", () => {
    const special = new Set((json.added_tokens ?? []).map((t) => t.id));
    TEXTS.forEach((text, i) => {
      const e = meshEnc[i]!;
      const viaJs = js.encode(text);
      // A difference in spelling only: the native library's token string for an lstrip added
      // token (RoBERTa's <mask>) includes the white space it swallowed ("  <mask>" for
      // "b  <mask>"); tokenizers.js's is the content alone. Same id, same offsets.
      const tokens = e.tokens!.map((t, k) => (special.has(e.ids[k]!) ? t.trimStart() : t));
      expect(tokens, JSON.stringify(text)).toEqual(viaJs.tokens);
      // The mask marks exactly the tokens the post-processor added: the first and the last.
      expect(e.special!.map((s, k) => s === (k === 0 || k === e.ids.length - 1))).not.toContain(false);
      expect(e.attention.every((a) => a === 1)).toBe(true);
    });
  });

  test("offsets: text.slice(start, end) is exactly what each token stands for (UTF-16 units)", () => {
    const check = surfaceChecker(json);
    const wrong: unknown[] = [];
    let tokens = 0;
    TEXTS.forEach((text, i) => {
      const e = meshEnc[i]!;
      let lastStart = 0;
      e.ids.forEach((id, k) => {
        const [start, end] = e.offsets![k]!;
        if (e.special![k]) {
          if (start !== 0 || end !== 0) wrong.push({ i, k, special: e.tokens![k], start, end });
          return;
        }
        tokens++;
        if (!(0 <= start && start <= end && end <= text.length && start >= lastStart)) wrong.push({ i, k, start, end, lastStart, length: text.length });
        lastStart = start;
        const why = check(e.tokens![k]!, id, text.slice(start, end));
        if (why) wrong.push({ i, text, k, why });
      });
      const left = uncoveredKept(
        text,
        e.offsets!.filter((_, k) => !e.special![k]),
        json,
      );
      if (left.length > 0) wrong.push({ i, text, uncovered: left });
    });
    expect(wrong).toEqual([]);
    expect(tokens).toBeGreaterThan(5000);
  });

  test("offsets are UTF-16: a token after astral characters covers its own word", async () => {
    const text = "😀👨‍👩‍👧‍👦🇺🇸 𝐀𝐁𝐂 Boston";
    const [e] = await mesh.encode([text], { maxLength: NO_LIMIT, truncate: false, detail: true });
    const last = e!.offsets![e!.ids.length - 2]!;
    // Code-point offsets would end 12 units early (one per astral character).
    expect(last[1]).toBe(text.length);
    expect(text.slice(0, last[1]).endsWith("n")).toBe(true);
  });

  /**
   * Without strip_accents no normaliser composes or decomposes, so the NFD spelling keeps its
   * combining marks as characters of their own: different ids, unless the accented word is
   * unknown to the vocabulary in both spellings (one [UNK] each).
   */
  test("NFC and NFD spellings tokenize alike exactly when the normalizer strips accents", async () => {
    const pairs = HOSTILE.filter((t) => t !== t.normalize("NFC") || t !== t.normalize("NFD")).map((t) => [t.normalize("NFC"), t.normalize("NFD")] as const);
    expect(pairs.length).toBeGreaterThanOrEqual(5);
    const unk = json.model.unk_token ? js.token_to_id(json.model.unk_token) : undefined;
    let differing = 0;
    const strips = json.normalizer?.type === "BertNormalizer" && (json.normalizer.strip_accents ?? json.normalizer.lowercase ?? false);
    for (const [nfc, nfd] of pairs) {
      const [a, b] = await mesh.encode([nfc, nfd], { maxLength: NO_LIMIT, truncate: false });
      expect(js.encode(nfc).ids).toEqual(a!.ids);
      expect(js.encode(nfd).ids).toEqual(b!.ids);
      const same = JSON.stringify(a!.ids) === JSON.stringify(b!.ids);
      if (!same) differing++;
      if (strips) expect(b!.ids, nfc).toEqual(a!.ids);
      else if (same) expect(unk !== undefined && a!.ids.includes(unk), nfc).toBe(true);
    }
    // A byte-level BPE has no unknown token: every pair differs.
    expect(differing).toBe(strips ? 0 : unk === undefined ? pairs.length : differing);
  });

  /**
   * A documented difference. The native library truncates BEFORE adding special tokens, so a
   * cut sequence still ends with [SEP] / </s> (as Python's tokenizers do, and as the model was
   * trained); transformers.js's `truncation: true` cuts the finished encoding's arrays at
   * max_length, dropping the closing special token. mesh serves the former. Only texts longer
   * than max_length tokens are affected; the pipeline parity tests use shorter ones.
   */
  test("truncation (differs): mesh keeps the closing special token, transformers.js cuts it off", async () => {
    const long = TEXTS.filter((_, i) => meshEnc[i]!.ids.length > 40).slice(0, 10);
    expect(long.length).toBe(10);
    const max = 16;
    const whole = await mesh.encode(long, { maxLength: NO_LIMIT, truncate: false });
    const cut = await mesh.encode(long, { maxLength: max, truncate: true });
    const viaTjs = tjs(long, { return_tensor: false, truncation: true, max_length: max }).input_ids;
    long.forEach((_, i) => {
      const ids = whole[i]!.ids;
      expect(cut[i]!.ids).toEqual([...ids.slice(0, max - 1), ids[ids.length - 1]]);
      expect(viaTjs[i]).toEqual(ids.slice(0, max));
      expect(viaTjs[i]).not.toEqual(cut[i]!.ids);
    });
  });
});
