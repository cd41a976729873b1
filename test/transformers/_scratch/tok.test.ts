import { test } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";
import { AutoTokenizer, env } from "@huggingface/transformers";
import { loadTokenizer } from "../../../runtimes/transformers/tokenizer.js";
import { parityTexts } from "../support/parity-texts.js";

const ROOT = process.env.PM ?? "/tmp/pm-smoke";
test("explore", async () => {
  env.allowRemoteModels = false; env.allowLocalModels = true; env.localModelPath = ROOT;
  const texts = parityTexts();
  const report: string[] = [`${texts.length} texts`];
  for (const name of ["sentiment", "ner", "keywords"]) {
    const dir = join(ROOT, name);
    const mesh = loadTokenizer(dir);
    const js = new JsTokenizer(JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")), JSON.parse(readFileSync(join(dir, "tokenizer_config.json"), "utf8")));
    const tjs = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
    const m = await mesh.encode(texts, { maxLength: 100000, truncate: false, detail: true });
    let bad1 = 0, bad2 = 0;
    texts.forEach((t, i) => {
      const a = m[i]!.ids; const b = js.encode(t).ids; const c = (tjs as any)(t, { return_tensor: false }).input_ids as number[];
      if (JSON.stringify(a) !== JSON.stringify(b)) { bad1++; report.push(`${name} js  #${i} ${JSON.stringify(t).slice(0,80)}\n  mesh ${JSON.stringify(m[i]!.tokens)}\n  js   ${JSON.stringify(js.encode(t).tokens)}`); }
      if (JSON.stringify(a) !== JSON.stringify(c)) { bad2++; report.push(`${name} tjs #${i} ${JSON.stringify(t).slice(0,80)}\n  mesh ${JSON.stringify(a)}\n  tjs  ${JSON.stringify(c)}`); }
    });
    report.push(`${name}: js mismatches ${bad1}, tjs mismatches ${bad2}`);
  }
  writeFileSync("/tmp/pm-tok-report.txt", report.join("\n"));
}, 120000);
