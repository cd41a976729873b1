/**
 * Starting mesh without npm: the ./mesh wrapper (also through a symlink on PATH), the
 * node_modules/.bin link `npm ci` creates (scripts/link-bin.mjs), `mesh --version`, and the
 * bash completion script — sourced in a plain bash and driven the way bash drives it
 * (COMP_WORDS/COMP_CWORD, then the completion function), asserting what COMPREPLY holds.
 * Needs `npm run build`.
 */
import { describe, expect, test } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

describe("starting mesh without npm", () => {
  test("./mesh runs this checkout's CLI, also through a symlink from elsewhere", () => {
    expect(execFileSync(join(ROOT, "mesh"), ["--version"]).toString().trim()).toBe(VERSION);
    const dir = mkdtempSync(join(tmpdir(), "mesh-bin-"));
    try {
      symlinkSync(join(ROOT, "mesh"), join(dir, "mesh"));
      expect(
        execFileSync("mesh", ["--version"], { cwd: dir, env: { ...process.env, PATH: `${dir}:${process.env["PATH"]}` } })
          .toString()
          .trim(),
      ).toBe(VERSION);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("link-bin creates node_modules/.bin/mesh → bin/mesh.js, idempotently, and leaves a foreign entry alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "mesh-link-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      execFileSync(process.execPath, [join(ROOT, "scripts/link-bin.mjs"), dir]);
      execFileSync(process.execPath, [join(ROOT, "scripts/link-bin.mjs"), dir]);
      expect(readlinkSync(join(dir, "node_modules/.bin/mesh"))).toBe("../../bin/mesh.js");
      rmSync(join(dir, "node_modules/.bin/mesh"));
      writeFileSync(join(dir, "node_modules/.bin/mesh"), "#!/bin/sh\n");
      const r = spawnSync(process.execPath, [join(ROOT, "scripts/link-bin.mjs"), dir]);
      expect(r.status).toBe(0);
      expect(lstatSync(join(dir, "node_modules/.bin/mesh")).isSymbolicLink()).toBe(false);
      expect(r.stderr.toString()).toContain("left as is");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Sources `mesh completion bash` in bash, sets COMP_WORDS to `line` split on spaces (a trailing space = an empty current word), prints COMPREPLY. */
function bashComplete(line: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "mesh-compl-"));
  try {
    symlinkSync(join(ROOT, "mesh"), join(dir, "mesh"));
    writeFileSync(join(dir, "completion.bash"), execFileSync(join(ROOT, "mesh"), ["completion", "bash"]));
    const words = line.split(" ");
    const script = `source ${dir}/completion.bash
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; COMP_LINE='${line}'; COMP_POINT=\${#COMP_LINE}
_mesh_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync("bash", ["--norc", "--noprofile", "-c", script], { cwd: ROOT, env: { ...process.env, PATH: `${dir}:${process.env["PATH"]}` } })
      .toString()
      .split("\n")
      .filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("mesh completion", () => {
  test("bash: commands, a prefix, flags of a command, a flag's choices, project names from projects/*/project.yaml", () => {
    const commands = bashComplete("mesh ");
    expect(commands).toEqual(expect.arrayContaining(["dev", "serve", "run", "generate", "completion"]));
    expect(commands).not.toContain("__complete");
    expect(bashComplete("mesh se")).toEqual(["serve"]);
    expect(bashComplete("mesh dev --")).toEqual(expect.arrayContaining(["--port", "--host", "--log-format", "--help"]));
    expect(bashComplete("mesh serve --log-format ")).toEqual(["json", "pretty"]);
    expect(bashComplete("mesh dev ")).toEqual(expect.arrayContaining(["spam", "iris", "colors"]));
    expect(bashComplete("mesh run sp")).toEqual(["spam"]);
    expect(bashComplete("mesh completion ")).toEqual(["bash", "zsh"]);
  });

  test("zsh: the script is valid zsh syntax when zsh is present, and defines the compdef", () => {
    const script = execFileSync(join(ROOT, "mesh"), ["completion", "zsh"]).toString();
    expect(script).toMatch(/^#compdef mesh/);
    expect(script).toContain("__complete --");
    // bash -n cannot check zsh; zsh itself is not installed on every machine, so check with it only where it is.
    try {
      execFileSync("zsh", ["-n", "-c", script]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  });

  test("usage: an unknown shell is a usage error (exit 2)", () => {
    let status = 0;
    try {
      execFileSync(join(ROOT, "mesh"), ["completion", "fish"], { stdio: "pipe" });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
