/**
 * Runs generated Makefiles for real: a temp folder laid out like a workspace
 * (`<ws>/out/<name>/Makefile`), a fake `mesh` (MESH override) and a fake `docker` (on PATH)
 * that record their argv, working folder and MESH_REGISTRY instead of acting.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GeneratedFile } from "../../../compiler/ir.js";

/**
 * The recorder, in sh (a node start per call made the suite slow): one record per call, fields
 * separated by US (\037), records by RS (\036): tool, cwd, MESH_REGISTRY (GS, \035, when unset), argv.
 */
const RECORDER = `#!/bin/sh
tool=$1; shift
if [ -n "\${MESH_REGISTRY+set}" ]; then reg=$MESH_REGISTRY; else reg=$(printf '\\035'); fi
{ printf '%s\\037' "$tool" "$(pwd -P)" "$reg" "$@"; printf '\\036'; } >> "$RECORD_FILE"
`;

/** Parses the recorder's file. */
function parseRecords(text: string): Invocation[] {
  return text
    .split("\x1e")
    .filter((r) => r !== "")
    .map((r) => {
      const [tool, cwd, registry, ...argv] = r.split("\x1f");
      argv.pop(); // the separator after the last field
      return { tool: tool as Invocation["tool"], argv, cwd: cwd ?? "", registry: registry === "\x1d" ? null : (registry ?? null) };
    });
}

export interface Invocation {
  readonly tool: "mesh" | "docker";
  readonly argv: string[];
  readonly cwd: string;
  readonly registry: string | null;
}

export interface MakeResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: Invocation[];
}

export class MakeWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), "mesh-makegen-"));
  readonly bin = join(this.root, ".fake-bin");
  readonly record = join(this.root, ".record.jsonl");
  /** The MESH override that records instead of running mesh (no spaces in tmp paths). */
  readonly fakeMesh: string;
  /** The recorder script: `sh <recorder> <tool> ARGS…`. */
  readonly recorder: string;

  constructor() {
    mkdirSync(this.bin, { recursive: true });
    const recorder = join(this.bin, "recorder.sh");
    writeFileSync(recorder, RECORDER);
    writeFileSync(join(this.bin, "docker"), `#!/bin/sh\nexec sh ${recorder} docker "$@"\n`);
    chmodSync(join(this.bin, "docker"), 0o755);
    this.fakeMesh = `sh ${recorder} mesh`;
    this.recorder = recorder;
  }

  /** Writes generated files under `out/<name>/`. */
  write(name: string, files: readonly GeneratedFile[]): string {
    const dir = join(this.root, "out", name);
    for (const f of files) {
      mkdirSync(join(dir, f.path, ".."), { recursive: true });
      writeFileSync(join(dir, f.path), f.contents, { mode: f.mode });
    }
    return dir;
  }

  /** `make -C out/<name> ARGS…`, with the fakes first on PATH and MESH_REGISTRY cleared. */
  make(name: string, args: readonly string[], env: Record<string, string> = {}): MakeResult {
    rmSync(this.record, { force: true });
    const { MESH_REGISTRY: _drop, MAKEFLAGS: _mf, MFLAGS: _m, ...base } = process.env;
    const r = spawnSync("make", ["--no-print-directory", "-C", join(this.root, "out", name), ...args], {
      encoding: "utf8",
      env: { ...base, PATH: `${this.bin}:${process.env.PATH ?? ""}`, RECORD_FILE: this.record, ...env },
      timeout: 30_000,
    });
    const calls = existsSync(this.record) ? parseRecords(readFileSync(this.record, "utf8")) : [];
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Targets a Makefile declares phony, in order (every target we generate is phony). */
export function phonyTargets(makefile: string): string[] {
  const line = makefile.split("\n").find((l) => l.startsWith(".PHONY:"));
  return line ? line.slice(".PHONY:".length).trim().split(/\s+/) : [];
}

/** Targets that have a rule (`target:` at the start of a line, not a special target or assignment). */
export function ruleTargets(makefile: string): string[] {
  return makefile
    .split("\n")
    .map((l) => /^([a-z][a-z0-9-]*):(?!=)/.exec(l)?.[1])
    .filter((t): t is string => t !== undefined);
}

/** Target names listed by `make help` (lines `  <target>  <description>`). */
export function helpTargets(helpOutput: string): string[] {
  return helpOutput
    .split("\n")
    .map((l) => /^ {2}([a-z][a-z0-9-]*) {2,}\S/.exec(l)?.[1])
    .filter((t): t is string => t !== undefined);
}
