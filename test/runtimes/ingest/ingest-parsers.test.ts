/** Parsers of ingest: CSV per RFC 4180, JSON Lines, JSON arrays; errors name the line. */
import { describe, expect, test } from "vitest";
import { csvRecords, parseCsv } from "../../../runtimes/ingest/parse-csv.js";
import { parseJsonArray } from "../../../runtimes/ingest/parse-json.js";
import { parseJsonl } from "../../../runtimes/ingest/parse-jsonl.js";
import type { Row } from "../../../runtimes/ingest/types.js";

const collect = (fn: (emit: (r: Row) => void) => void) => {
  const rows: Row[] = [];
  fn((r) => rows.push(r));
  return rows;
};

describe("CSV", () => {
  test("quoted fields hold commas, doubled quotes and line breaks", () => {
    const text = 'id,text\r\n1,"Hello, ""world"""\r\n2,"line one\nline two"\n3,plain\n';
    expect(collect((e) => parseCsv(text, "a.csv", [], e))).toEqual([
      { id: "1", text: 'Hello, "world"' },
      { id: "2", text: "line one\nline two" },
      { id: "3", text: "plain" },
    ]);
  });

  test("records that span lines report the line they start on", () => {
    const recs = [...csvRecords('a,b\n"x\ny",1\nz,2', "f")];
    expect(recs.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  test("columns name header-less files; BOM, empty fields and a missing final newline are fine", () => {
    expect(collect((e) => parseCsv("\uFEFF5.1,,setosa", "", ["x", "y", "species"], e))).toEqual([{ x: "5.1", y: "", species: "setosa" }]);
  });

  test("a row of the wrong width is an error with its line", () => {
    expect(() => collect((e) => parseCsv("a,b\n1,2\n3\n", "data.csv", [], e))).toThrow("data.csv line 3: 1 field(s), expected 2 (a, b)");
  });

  test("an unterminated quote names the line the field opened on", () => {
    expect(() => collect((e) => parseCsv('a,b\n1,"open\n2,3\n', "d.csv", [], e))).toThrow("d.csv line 2: unterminated quoted field");
  });

  test("a stray quote inside an unquoted field is refused", () => {
    expect(() => collect((e) => parseCsv('a,b\n1,x"y\n', "d.csv", [], e))).toThrow(/line 2: a quote inside an unquoted field/);
  });

  test("text after a closing quote is refused", () => {
    expect(() => collect((e) => parseCsv('a\n"x"y\n', "d.csv", [], e))).toThrow(/line 2: unexpected character after a closing quote/);
  });

  test("a header naming a column twice is refused", () => {
    expect(() => collect((e) => parseCsv("a,a\n1,2\n", "d.csv", [], e))).toThrow(/header names column "a" twice/);
  });
});

describe("JSON Lines", () => {
  test("one object per line; blank lines and CRLF are accepted", () => {
    expect(collect((e) => parseJsonl('{"a":1}\r\n\n{"a":2}\n', "x.jsonl", e))).toEqual([{ a: 1 }, { a: 2 }]);
  });
  test("a broken line is reported with its number", () => {
    expect(() => collect((e) => parseJsonl('{"a":1}\n{"a":\n', "x.jsonl", e))).toThrow(/^x\.jsonl line 2: not valid JSON/);
  });
  test("a line that is not an object is refused", () => {
    expect(() => collect((e) => parseJsonl('{"a":1}\n[1,2]\n', "x.jsonl", e))).toThrow("x.jsonl line 2: expected a JSON object, got an array");
  });
});

describe("JSON arrays", () => {
  test("arrays of arrays take their names from columns", () => {
    expect(collect((e) => parseJsonArray('[[5.1, 3.5, "setosa"], [6, 2.2, "virginica"]]', "iris.json", ["a", "b", "species"], e))).toEqual([
      { a: 5.1, b: 3.5, species: "setosa" },
      { a: 6, b: 2.2, species: "virginica" },
    ]);
  });
  test("arrays of objects pass through", () => {
    expect(collect((e) => parseJsonArray('[{"t":"x"}]', "", [], e))).toEqual([{ t: "x" }]);
  });
  test("arrays without columns, wrong arity and non-arrays are errors with a position", () => {
    expect(() => collect((e) => parseJsonArray("[[1, 2]]", "f.json", [], e))).toThrow("f.json element 0: rows are arrays; name them with ingest.source.columns");
    expect(() => collect((e) => parseJsonArray("[[1, 2], [1]]", "f.json", ["a", "b"], e))).toThrow("f.json element 1: 1 value(s), expected 2 (a, b)");
    expect(() => collect((e) => parseJsonArray('{"a": 1}', "f.json", [], e))).toThrow("f.json: expected a JSON array of rows, got object");
    expect(() => collect((e) => parseJsonArray("[1, 2", "f.json", [], e))).toThrow(/^f\.json: not valid JSON/);
  });
});
