/**
 * The spec language's one glob dialect (runtimes/support/glob.ts), read by mesh.yaml
 * `projects:` and by register column `map:` patterns alike.
 */
import { describe, expect, test } from "vitest";
import { globBase, globRegExp } from "../../../compiler/load/spec-globs.js";
import { applyMap, globMatch } from "../../../runtimes/register/glob.js";
import { globMatch as supportGlobMatch } from "../../../runtimes/support/glob.js";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";

describe("one dialect", () => {
  test("spec globs and map patterns are the same function", () => {
    expect(globMatch).toBe(supportGlobMatch);
    for (const [glob, value] of [
      ["teams/*/project.yaml", "teams/a/project.yaml"],
      ["text/*", "text/html/x"],
      ["a?c", "a/c"],
      ["v[0-9]", "v7"],
    ] as const) {
      expect(globRegExp(glob).test(value), `${glob} ~ ${value}`).toBe(globMatch(glob, value));
    }
  });

  test("* and ? stop at /; ** crosses it, and as a whole segment also matches none", () => {
    expect(globMatch("text/*", "text/html")).toBe(true);
    expect(globMatch("text/*", "text/html/x")).toBe(false);
    expect(globMatch("text/**", "text/html/x")).toBe(true);
    expect(globMatch("a?c", "abc")).toBe(true);
    expect(globMatch("a?c", "a/c")).toBe(false);
    expect(globMatch("teams/**/project.yaml", "teams/project.yaml")).toBe(true);
    expect(globMatch("teams/**/project.yaml", "teams/a/b/project.yaml")).toBe(true);
    expect(globMatch("teams/*/project.yaml", "teams/a/b/project.yaml")).toBe(false);
    expect(globBase("teams/**/project.yaml")).toBe("teams");
  });

  test("classes, negated classes and escapes; everything else literal", () => {
    expect(globMatch("v[!0-9]", "v7")).toBe(false);
    expect(globMatch("a\\*b", "a*b")).toBe(true);
    expect(globMatch("a\\*b", "axb")).toBe(false);
    expect(globMatch("a.b", "axb")).toBe(false);
    expect(globMatch("(x)+", "(x)+")).toBe(true);
  });

  test("map: first match wins, no match keeps the value", () => {
    const map = [
      ["spam-*", "spam"],
      ["*ham*", "ham"],
      ["text/**", "text"],
    ] as const;
    expect(applyMap(map, "spam-2")).toBe("spam");
    expect(applyMap(map, "easy-ham-1")).toBe("ham");
    expect(applyMap(map, "text/a/b")).toBe("text");
    expect(applyMap(map, "other")).toBe("other");
  });
});

describe("validate explains the dialect where it changed what a map pattern matches", () => {
  const SPAM = exampleText("spam");
  test("a map pattern that names a / with a flat * is a warning pointing at the pattern, with the ** spelling", async () => {
    const r = await compileSpec(edit(SPAM, `map: { "spam-*": spam, "*ham*": ham }`, `map: { "spam/*": spam, "*ham*": ham }`));
    expect(r.lines).toEqual([
      `projects/spam/project.yaml:33:16 warning MESH039 steps.register.schema.label.map.spam/*: map pattern "spam/*": * and ? match within one /-separated part of the value, not across a /\n    hint: use ** to match across /, e.g. "spam/**"`,
    ]);
  });
  test("patterns without a / (every example's) say nothing", async () => {
    expect((await compileSpec(SPAM)).diagnostics).toEqual([]);
  });
});
