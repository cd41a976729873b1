/**
 * The escaping helpers, as properties over arbitrary text: a comment stays one comment line,
 * Markdown text renders back to exactly the text it came from, a shell word is one literal word.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { marked } from "marked";
import { describe, expect, it } from "vitest";
import { recipeWord, shellQuote } from "../../../generators/support/shell.js";
import { commentText } from "../../../generators/support/text.js";
import { markdownInline, markdownText } from "../../../generators/readme/markdown.js";

const nasty = fc.constantFrom(..."$(){}[]<>'\"`\\;&|#%*_~^!=:@./-+ \n\r\t\u2028\u0085\u0000abcXYZ019é€".split(""));
/** Pieces of Markdown syntax and shell/Make metacharacters, so constructs actually form. */
const syntax = fc.constantFrom("*", "**", "_", "`", "[a](b)", "![i](x)", "<b>", "</b>", "&amp;", "# ", "- ", "1. ", "> ", "~~", "http://x.io", "www.a.io", "a@b.io", "$(x)", "\\", "|", "\n", "  ");
const word = fc.constantFrom("a", "word", "é", " ");
const text = fc.array(fc.oneof(nasty, syntax, word), { maxLength: 24 }).map((parts) => parts.join(""));

const decode = (html: string) =>
  html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

describe("commentText", () => {
  it("is one line that never ends in a backslash", () => {
    fc.assert(
      fc.property(text, (t) => {
        const c = commentText(t);
        expect(c).not.toMatch(/[\r\n\u0000\u2028\u2029\u0085]/);
        expect(c.endsWith("\\")).toBe(false);
      }),
    );
  });

  it("strips a trailing backslash that trailing white space hid", () => {
    // fast-check's counterexample: removing the last backslash left "\ ", trimmed to "\".
    expect(commentText("\\ \\")).toBe("");
    expect(commentText("path C:\\dir\\ \\")).toBe("path C:\\dir");
  });
});

describe("markdownInline", () => {
  it("renders back to exactly the text (white space collapsed), with no markup", () => {
    fc.assert(
      fc.property(text, (t) => {
        const html = marked.parseInline(markdownInline(t)) as string;
        expect(html).not.toMatch(/<[a-z]/i);
        const expected = t
          .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, " ")
          .replace(/\s+/g, " ")
          .trim();
        expect(decode(html)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("markdownText", () => {
  it("renders multi-line text as paragraphs only, never a heading, list, quote, code block or rule", () => {
    fc.assert(
      fc.property(text, (t) => {
        const html = marked.parse(markdownText(t)) as string;
        const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1]!.toLowerCase()));
        for (const tag of tags) expect(["p"]).toContain(tag);
      }),
      { numRuns: 300 },
    );
  });
});

describe("shellQuote and recipeWord", () => {
  it("make one literal shell word", () => {
    fc.assert(
      fc.property(
        text.filter((t) => !t.includes("\u0000")),
        (t) => {
          const r = spawnSync("sh", ["-c", `printf '%s' ${shellQuote(t)}`], { encoding: "utf8" });
          expect(r.stdout).toBe(t);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("recipeWord doubles every $ for Make and refuses line breaks", () => {
    expect(recipeWord("a$b'c")).toBe("'a$$b'\\''c'");
    expect(() => recipeWord("a\nb")).toThrow(/line break/);
  });
});
