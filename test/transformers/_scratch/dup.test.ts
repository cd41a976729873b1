import { test } from "vitest";
import { parityTexts } from "../support/parity-texts.js";
test("dup", () => { const t = parityTexts(); const seen = new Map<string, number>(); t.forEach((x, i) => { if (seen.has(x)) console.log("DUP", seen.get(x), i, JSON.stringify(x).slice(0, 100)); seen.set(x, i); }); });
