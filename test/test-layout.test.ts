/**
 * Tests mirror the source tree: a test of runtimes/serve/batcher.ts lives in test/runtimes/serve/,
 * so a source file's tests are found without grep. Only repo-wide checks sit at the test/ root;
 * shared helpers live in test/support/ and data in test/fixtures/, which hold no tests.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SOURCE_ROOTS = new Set(["bin", "compiler", "generators", "runtimes", "schemas", "scripts"]);

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith(".test.ts") ? [relative(ROOT, path).split(sep).join("/")] : [];
  });
}

/** The reason a test file breaks the layout rule, or undefined when it sits where it should. */
function misplacement(file: string, sourceDirExists: (dir: string) => boolean): string | undefined {
  const parts = file.split("/");
  if (parts[0] !== "test") return `${file} is not under test/`;
  if (parts.length === 2) return undefined;
  const folder = parts.slice(1, -1).join("/");
  const top = parts[1] ?? "";
  if (!SOURCE_ROOTS.has(top)) return `${file} sits in test/${top}/, which mirrors no source folder (${[...SOURCE_ROOTS].join(", ")})`;
  if (!sourceDirExists(folder)) return `${file} sits in test/${folder}/, but there is no source folder ${folder}/`;
  return undefined;
}

const onDisk = (dir: string) => existsSync(join(ROOT, dir)) && statSync(join(ROOT, dir)).isDirectory();

test("every test sits in test/<source folder>/ or, for repo-wide checks, at the test/ root", () => {
  const files = testFiles(join(ROOT, "test"));
  expect(files.length).toBeGreaterThan(100);
  expect(files.map((f) => misplacement(f, onDisk)).filter((m) => m !== undefined)).toEqual([]);
});

test("the rule names a misplaced file and why", () => {
  expect(misplacement("test/serve/batcher.test.ts", onDisk)).toBe(
    "test/serve/batcher.test.ts sits in test/serve/, which mirrors no source folder (bin, compiler, generators, runtimes, schemas, scripts)",
  );
  expect(misplacement("test/runtimes/nowhere/x.test.ts", onDisk)).toBe("test/runtimes/nowhere/x.test.ts sits in test/runtimes/nowhere/, but there is no source folder runtimes/nowhere/");
  expect(misplacement("test/runtimes/serve/batcher.test.ts", onDisk)).toBeUndefined();
  expect(misplacement("test/imports.test.ts", onDisk)).toBeUndefined();
});
