/**
 * Issue 13, item 7 (CI): spec paths reach the workflow's steps only through `env:`, never inside
 * a `run:` script, where GitHub expands `${{ … }}` before the shell runs. The change-detection
 * script, run by bash with the step's environment and a stand-in `git`, still tells which
 * projects a change touches — for plain folders and for folders whose names hold quotes, `$`,
 * spaces and glob characters.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import type { ProjectIR } from "../../../compiler/ir.js";
import { generateCiWorkflow } from "../../../generators/ci-workflow/index.js";
import { projectPaths } from "../../../generators/ci-workflow/paths.js";
import { EXAMPLES, exampleIr } from "../../support/k8s/support.js";
import { parseWithGithub } from "../../support/k8s/workflow-parser.js";

type Step = { name: string; run?: string; env?: Record<string, string> };
const examples = () => Promise.all(EXAMPLES.map((n) => exampleIr(n)));
const steps = (irs: readonly ProjectIR[]): Step[] => Object.values((parse(generateCiWorkflow(irs)[0]!.contents) as { jobs: Record<string, { steps: Step[] }> }).jobs).flatMap((j) => j.steps);
const detectStep = (irs: readonly ProjectIR[]) => steps(irs).find((s) => s.name === "Detect changed projects")!;
/** A project whose spec lives in a folder with an odd (but valid) name. */
const moved = (ir: ProjectIR, folder: string): ProjectIR => ({ ...ir, specPath: `${folder}/${ir.name}/project.yaml` });

const temp = mkdtempSync(join(tmpdir(), "mesh-workflow-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs the detection step's script with its env, a git that reports `changed` files; returns the outputs. */
function detect(irs: readonly ProjectIR[], changed: readonly string[]): Record<string, string> {
  const step = detectStep(irs);
  const bin = join(temp, "bin");
  spawnSync("mkdir", ["-p", bin]);
  writeFileSync(join(temp, "changed.txt"), changed.map((f) => `${f}\n`).join(""));
  writeFileSync(join(bin, "git"), `#!/bin/sh\nif [ "$1" = diff ]; then cat ${JSON.stringify(join(temp, "changed.txt"))}; fi\nexit 0\n`);
  chmodSync(join(bin, "git"), 0o755);
  const output = join(temp, "output.txt");
  writeFileSync(output, "");
  // GitHub evaluates the `${{ … }}` of env values; here they get what a push would give them.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = v.replace("${{ github.event_name }}", "push").replace(/\$\{\{[^}]*\}\}/g, "0123abc");
  const r = spawnSync("bash", ["-c", step.run!], { env: { PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: temp, GITHUB_OUTPUT: output, ...env }, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return Object.fromEntries(
    readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("=") as [string, string]),
  );
}

describe("paths in the CI workflow", () => {
  test("no run: script holds a project path; the detection step gets them from env", async () => {
    const irs = [await exampleIr("colors"), await exampleIr("iris"), moved(await exampleIr("spam"), "teams/it's $(x) `y` *")];
    for (const step of steps(irs)) {
      for (const ir of irs) for (const p of projectPaths(ir)) expect(step.run ?? "", `${step.name} inlines ${p}`).not.toContain(p);
    }
    const env = detectStep(irs).env!;
    for (const ir of irs) expect(Object.values(env)).toContain(projectPaths(ir).join("\n"));
    expect(parseWithGithub(generateCiWorkflow(irs)[0]!.contents).errors).toEqual([]);
  });

  test("the detection script tells which projects a change touches", async () => {
    const irs = await examples();
    expect(detect(irs, ["projects/iris/project.yaml"])).toEqual({ colors: "false", iris: "true", spam: "false", any: "true" });
    expect(detect(irs, ["out/spam/Makefile", "docs/x.md"])).toEqual({ colors: "false", iris: "false", spam: "true", any: "true" });
    expect(detect(irs, ["compiler/pipeline.ts"])).toEqual({ colors: "true", iris: "true", spam: "true", any: "true" });
    expect(detect(irs, ["docs/x.md", "projects/irises.md"])).toEqual({ colors: "false", iris: "false", spam: "false", any: "false" });
  });

  test("folder names with quotes, $, spaces and glob characters are matched literally", async () => {
    const odd = "teams/it's $(touch pwned) `id` [a]*";
    const irs = [moved(await exampleIr("spam"), odd), await exampleIr("iris")];
    expect(detect(irs, [`${odd}/spam/project.yaml`])).toEqual({ spam: "true", iris: "false", any: "true" });
    expect(detect(irs, ["teams/it's x/spam/project.yaml"])).toEqual({ spam: "false", iris: "false", any: "false" });
    expect(spawnSync("ls", [temp], { encoding: "utf8" }).stdout).not.toContain("pwned");
  });

  test("a path holding ${{ is refused by the generator too (validate refuses it first)", async () => {
    const irs = [moved(await exampleIr("spam"), "teams/${{ github.event.pull_request.title }}")];
    expect(() => generateCiWorkflow(irs)).toThrow(/cannot be passed to a workflow step/);
  });
});
