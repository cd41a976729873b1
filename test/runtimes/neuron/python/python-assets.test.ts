/**
 * The Python programs mesh ships are real files in the repository: py_compile and pyflakes
 * check them where they live (not only the copies generated into out/), so no Python tool
 * first sees them after generation.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";

const REPO = join(import.meta.dirname, "../../../..");
const FOLDERS = ["runtimes/neuron/python", "runtimes/neuron/transformer"];
const programs = FOLDERS.flatMap((d) =>
  readdirSync(join(REPO, d))
    .filter((f) => f.endsWith(".py"))
    .map((f) => `${d}/${f}`),
);
const scratch = mkdtempSync(join(tmpdir(), "mesh-py-assets-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test("the server, compile, validate and featurizer programs are .py files in the repository", () => {
  for (const name of ["app.py", "compile.py", "featurizers.py", "validate.py"]) expect(programs).toContain(`runtimes/neuron/python/${name}`);
});

test.each(programs)("%s compiles (py_compile) and is clean under pyflakes", (program) => {
  const file = join(REPO, program);
  // cfile in a scratch folder: no __pycache__ in the repository.
  const code = `import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)`;
  execFileSync("/usr/bin/python3", ["-c", code, file, join(scratch, `${program.replace(/\//g, "_")}c`)]);
  const flakes = spawnSync("pyflakes3", [file], { encoding: "utf8" });
  expect(flakes.stdout + flakes.stderr).toBe("");
  expect(flakes.status).toBe(0);
});

test("the check is real: pyflakes reports an undefined name", () => {
  const bad = join(scratch, "bad.py");
  writeFileSync(bad, "print(undefined_name)\n");
  const flakes = spawnSync("pyflakes3", [bad], { encoding: "utf8" });
  expect(flakes.status).not.toBe(0);
  expect(flakes.stdout).toContain("undefined name");
});
