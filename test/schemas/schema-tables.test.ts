/**
 * Schema tables: per field, values that must pass and values that must fail with a given code
 * at the field's own path. Each case edits one value of an example spec (through the YAML
 * document, so the rest stays as written) and compiles the result in memory.
 */
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { compileSpec, exampleText } from "../support/frontend/helpers.js";

type Case = readonly [path: readonly (string | number)[], value: unknown, expected: "ok" | `MESH${number}`, errorPath?: string];

function withValue(example: "spam" | "iris", path: readonly (string | number)[], value: unknown): string {
  const doc = parseDocument(exampleText(example));
  doc.setIn(path, value);
  return String(doc);
}

function table(example: "spam" | "iris", cases: readonly Case[]) {
  it.each(cases.map((c) => [c[0].join("."), JSON.stringify(c[1]), c[2], c] as const))("%s = %s → %s", async (_p, _v, expected, c) => {
    const [path, value, , errorPath] = c;
    const { diagnostics, value: irs } = await compileSpec(withValue(example, path, value));
    if (expected === "ok") {
      expect(diagnostics).toEqual([]);
      expect(irs).toHaveLength(1);
    } else {
      expect(irs).toBeUndefined();
      expect(diagnostics.map((d) => `${d.code} ${d.path}`)).toContain(`${expected} ${errorPath ?? path.join(".")}`);
      expect(diagnostics.every((d) => d.line > 0 && d.column > 0)).toBe(true);
    }
  });
}

describe("identifiers (anything that reaches a path, tag, target or command)", () => {
  table("spam", [
    [["name"], "spam", "ok"],
    [["name"], "a", "ok"],
    [["name"], `a${"b".repeat(39)}`, "ok"],
    [["name"], `a${"b".repeat(40)}`, "MESH016"],
    [["name"], "Spam", "MESH016"],
    [["name"], "spam_x", "MESH016"],
    [["name"], "-spam", "MESH016"],
    [["name"], "spam-", "MESH016"],
    [["name"], "9spam", "MESH016"],
    [["name"], "../x", "MESH016"],
    [["name"], "x/y", "MESH016"],
    [["name"], "$(rm -rf /)", "MESH016"],
    [["name"], "spam;ls", "MESH016"],
    [["name"], "", "MESH016"],
    [["name"], 12, "MESH012"],
    [["key"], "SPAM_2", "ok"],
    [["key"], "spam", "MESH016"],
    [["key"], "SPAM-1", "MESH016"],
    [["key"], "SPAM$X", "MESH016"],
    [["key"], "1SPAM", "MESH016"],
    [["key"], "A".repeat(33), "MESH016"],
    [["key"], "SP AM", "MESH016"],
    [["model", "labels", 1], "sp/am", "MESH016"],
    [["model", "labels", 1], "a..b", "MESH016"],
    [["model", "labels", 1], "$(x)", "MESH016"],
    [["model", "labels", 1], "`x`", "MESH016"],
    [["model", "labels", 1], "a b", "MESH016"],
    [["model", "labels", 1], "a\nRUN x", "MESH016"],
    [["owners", 0], "ml platform", "MESH016"],
    [["owners", 0], "a;b", "MESH016"],
    [["owners", 0], "../x", "MESH016"],
    [["owners", 0], "team.ml-1", "ok"],
    [["steps", "register", "dataset"], "Spam", "MESH016"],
    [["steps", "register", "dataset"], "../d", "MESH016"],
    [["steps", "register", "dataset"], "d/e", "MESH016"],
    [["steps", "register", "dataset"], "a$b", "MESH016"],
    [["model", "features", "input"], "a-b", "MESH016"],
    [["steps", "ingest", "source", "uri"], "ftp://host/x", "MESH016"],
    [["steps", "ingest", "source", "uri"], "npm:a;b", "MESH016"],
    [["steps", "ingest", "source", "uri"], "file://../secrets", "MESH016"],
    [["steps", "ingest", "source", "uri"], "https://example.org/$(x)", "MESH016"],
    [["steps", "compile", "targets", 1, "compiler_args", 0], "--x;rm", "MESH016"],
    [["base_image"], "Node:20", "MESH016"],
    [["base_image"], "node:20-bookworm-slim", "ok"],
    [["environments", "prod", "registry"], "s3://bucket/a b", "MESH016"],
  ]);
});

describe("field names used as keys", () => {
  table("spam", [
    [["steps", "register", "schema", "te xt"], "string", "MESH019"],
    [["steps", "serve", "api", "attributes", "$(x)"], "string", "MESH019"],
    [["steps", "serve", "examples", 0, "attributes", "a;b"], "x", "MESH019"],
    [["steps", "serve", "api", "parameters", "../p"], { type: "number" }, "MESH019"],
  ]);
});

describe("numbers, types and enums", () => {
  table("iris", [
    [["steps", "serve", "port"], 1, "ok"],
    [["steps", "serve", "port"], 65535, "ok"],
    [["steps", "serve", "port"], 0, "MESH015"],
    [["steps", "serve", "port"], 65536, "MESH015"],
    [["steps", "serve", "port"], "80", "MESH012"],
    [["steps", "serve", "port"], 80.5, "MESH012"],
    [["steps", "serve", "batching", "max_batch"], "8x", "MESH012"],
    [["steps", "serve", "batching", "max_batch"], 0, "MESH015"],
    [["steps", "serve", "batching", "max_delay_ms"], -1, "MESH015"],
    [["steps", "serve", "host"], "127.0.0.1", "ok"],
    [["steps", "serve", "host"], "::1", "ok"],
    [["steps", "serve", "host"], "localhost; rm", "MESH016"],
    [["steps", "train", "params", "learning_rate"], 0, "MESH015"],
    [["steps", "train", "params", "learning_rate"], -1, "MESH015"],
    [["steps", "train", "params", "epochs"], 10001, "MESH015"],
    [["steps", "train", "params", "hidden"], [16, 0], "MESH015", "steps.train.params.hidden.1"],
    [["steps", "train", "params", "hidden"], [1, 2, 3, 4, 5], "MESH018"],
    [["steps", "train", "params", "optimizer"], "adm", "MESH017"],
    [["steps", "train", "trainer"], "svm", "MESH017"],
    [["steps", "train", "gates", "accuracy"], "95%", "MESH016"],
    [["steps", "register", "split", "test"], 0, "MESH015"],
    [["steps", "register", "split", "test"], 1, "MESH015"],
    [["steps", "register", "split", "test"], 0.5, "ok"],
    [["steps", "register", "dedupe"], "yes", "MESH012"],
    [["steps", "ingest", "source", "format"], "xml", "MESH017"],
    [["steps", "compile", "targets", 0, "optimization"], "max", "MESH017"],
    [["steps", "compile", "targets"], [], "MESH018"],
    [["model", "task"], "regression", "MESH017"],
    [["model", "labels"], "setosa", "MESH012"],
    [["apiVersion"], "mesh/v2", "MESH017"],
    [["kind"], "Service", "MESH017"],
    [["description"], "x".repeat(10_001), "MESH018"],
    [["steps", "serve", "examples", 0, "name"], "two\nlines", "MESH016"],
    [["steps", "serve", "resources"], { cpu: "lots" }, "MESH016", "steps.serve.resources.cpu"],
  ]);
});
