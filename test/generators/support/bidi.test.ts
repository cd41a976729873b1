/**
 * Issue 13, item 19: bidirectional controls in free text (RTL override U+202E, the isolates
 * U+2066–U+2069, embeddings, LRM/RLM, ALM) never reach the Makefile, the Dockerfile labels or the
 * README raw — they are dropped from text like other control characters are flattened, and in
 * the README's JSON (curl bodies, expected answers, the client call) written as `\uXXXX` escapes,
 * so the request sent is still the spec's example.
 */
import { describe, expect, it } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { generateMakefile } from "../../../generators/makefile/makefile.js";
import { generateReadme } from "../../../generators/readme/readme.js";
import { dockerfileFiles } from "../../../generators/dockerfile/index.js";
import { commentText, flattenText } from "../../../generators/support/text.js";
import { code, inertJson, markdownInline, markdownText } from "../../../generators/readme/markdown.js";
import { oneLine, quoteWord } from "../../../generators/support/dockerfile-quote.js";
import { exampleIR } from "../../support/generators/fixtures.js";

const BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"];
const ANY_BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Trojan-source style text: it displays as "access level: user" but says something else. */
const TROJAN = "access level: \u202e\u2066resu\u2069\u2066 admin\u2069";

async function hostileIR(): Promise<ProjectIR> {
  const ir = await exampleIR("spam");
  const [first, ...rest] = ir.serve.examples;
  return {
    ...ir,
    description: `Spam filter ${TROJAN}\n${BIDI.join("x")}`,
    serve: { ...ir.serve, examples: [{ ...first!, name: `ham ${TROJAN}`, attributes: { ...first!.attributes, text: `hello ${TROJAN}` } }, ...rest] },
  };
}

describe("bidi controls in free text (issue 13, item 19)", () => {
  it("the text helpers drop every bidi control", () => {
    for (const c of BIDI) {
      for (const out of [flattenText(`a${c}b`), commentText(`a${c}b`), oneLine(`a${c}b`), quoteWord(`a${c}b`), markdownInline(`a${c}b`), markdownText(`a${c}b`), code(`a${c}b`)]) {
        expect(out).not.toMatch(ANY_BIDI);
      }
    }
    expect(commentText(TROJAN)).toBe("access level: resu admin");
  });

  it("reach neither the Makefile nor the Dockerfiles (labels included)", async () => {
    const ir = await hostileIR();
    const makefile = generateMakefile(ir)[0]!.contents;
    expect(makefile).toContain("Spam filter access level: resu admin");
    expect(makefile).not.toMatch(ANY_BIDI);
    const dockerfiles = dockerfileFiles(ir).filter((f) => f.path.endsWith("Dockerfile"));
    expect(dockerfiles.length).toBeGreaterThan(0);
    for (const f of dockerfiles) {
      expect(f.contents, f.path).not.toMatch(ANY_BIDI);
      expect(f.contents, f.path).toMatch(/org\.opencontainers\.image\.description="Spam filter access level: resu admin/);
    }
  });

  it("reach the README only as JSON escapes that decode to the example", async () => {
    const ir = await hostileIR();
    const readme = generateReadme(ir)[0]!.contents;
    expect(readme).not.toMatch(ANY_BIDI);
    expect(readme).toContain("#### ham access level: resu admin");
    // The curl body is the example, escaped: JSON.parse gives back the exact text.
    const body = /--data-binary '([^']*)'/.exec(readme)![1]!;
    expect((JSON.parse(body) as { data: { attributes: { text: string } } }).data.attributes.text).toBe(`hello ${TROJAN}`);
    expect(inertJson(JSON.stringify({ t: TROJAN }))).toBe('{"t":"access level: \\u202e\\u2066resu\\u2069\\u2066 admin\\u2069"}');
  });
});
