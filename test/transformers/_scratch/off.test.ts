import { test } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTokenizer } from "../../../runtimes/transformers/tokenizer.js";
import { parityTexts } from "../support/parity-texts.js";
const ROOT = process.env.PM ?? "/tmp/pm-smoke";
test("offsets", async () => {
  const texts = parityTexts();
  const out: string[] = [];
  for (const name of ["sentiment", "ner", "keywords"]) {
    const m = await loadTokenizer(join(ROOT, name)).encode(texts, { maxLength: 100000, truncate: false, detail: true });
    texts.forEach((t, i) => {
      const e = m[i]!;
      e.tokens!.forEach((tok, k) => {
        const [s, en] = e.offsets![k]!;
        out.push(`${name}\t${i}\t${k}\t${e.special![k] ? "S" : "-"}\t${JSON.stringify(tok)}\t${s}\t${en}\t${JSON.stringify(t.slice(s, en))}`);
      });
    });
  }
  writeFileSync("/tmp/pm-off.tsv", out.join("\n"));
}, 120000);
