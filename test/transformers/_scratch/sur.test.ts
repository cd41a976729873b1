import { test } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";
import { AutoTokenizer, env } from "@huggingface/transformers";
import { loadTokenizer } from "../../../runtimes/transformers/tokenizer.js";
const ROOT = process.env.PM ?? "/tmp/pm-smoke";
test("sur", async () => {
  env.allowRemoteModels = false; env.allowLocalModels = true; env.localModelPath = ROOT;
  const texts = ["lone \ud800 high", "lone \udc00 low", "ab\ud83d", "\ufffd replacement", "x".repeat(3000), "word ".repeat(700)];
  for (const name of ["sentiment", "ner", "keywords"]) {
    const dir = join(ROOT, name);
    const mesh = loadTokenizer(dir);
    const js = new JsTokenizer(JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")), JSON.parse(readFileSync(join(dir, "tokenizer_config.json"), "utf8")));
    const tjs = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
    const m = await mesh.encode(texts, { maxLength: 100000, truncate: false, detail: true });
    texts.forEach((t, i) => {
      const a = m[i]!; const b = js.encode(t); const c = (tjs as any)(t, { return_tensor: false }).input_ids as number[];
      console.log(name, i, a.ids.length, b.ids.length, c.length, JSON.stringify(a.ids) === JSON.stringify(b.ids), JSON.stringify(a.ids) === JSON.stringify(c), i < 4 ? JSON.stringify([a.tokens, b.tokens]) : "");
    });
  }
}, 120000);
