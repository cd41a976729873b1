/**
 * `mesh generate` over the whole workspace writes `out/ci/` (the workflow and its manifest) under
 * the same rules as a project's folder; named-spec runs leave it alone; a hand edit is drift
 * even when the cache vouches for every project; mesh.yaml `ci` settings reach the workflow.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { nodeHost } from "../../../compiler/host.js";
import { generateWorkspace } from "../../../compiler/generate/generate-workspace.js";
import { generateCiWorkflow } from "../../../generators/ci-workflow/index.js";
import { tempWorkspace } from "../../support/emit/fixtures.js";
import { compileLines, edit, exampleText, workspace } from "../../support/frontend/helpers.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const ws = (names: string[]) => {
  const d = tempWorkspace(names);
  dirs.push(d);
  return d;
};

describe("out/ci", () => {
  test("a whole-workspace run writes the workflow and its manifest; a rerun changes nothing", async () => {
    const root = ws(["alpha", "beta"]);
    const first = await generateWorkspace(nodeHost(root), { outDir: "out", mode: "write" });
    expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const workflow = fs.readFileSync(path.join(root, "out/ci/workflow.yaml"), "utf8");
    expect(workflow).toContain("project-alpha:");
    expect(workflow).toContain("project-beta:");
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "out/ci/.mesh-manifest.json"), "utf8"));
    expect(Object.keys(manifest.files)).toEqual(["workflow.yaml"]);
    expect(manifest.spec).toBe("mesh.yaml");
    const again = await generateWorkspace(nodeHost(root), { outDir: "out", mode: "check" });
    expect(again.changed).toBe(false);
  });

  test("a hand edit of the workflow is drift for --check, through the cache too, and generate repairs it", async () => {
    const root = ws(["alpha"]);
    await generateWorkspace(nodeHost(root), { outDir: "out", mode: "write" });
    const file = path.join(root, "out/ci/workflow.yaml");
    const good = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, good.replace("generate --check", "generate"));
    const check = await generateWorkspace(nodeHost(root), { outDir: "out", mode: "check" });
    expect(check.changed).toBe(true);
    expect(check.plans!.find((p) => p.name === "ci")!.files.find((f) => f.path === "workflow.yaml")!.action).toBe("update");
    await generateWorkspace(nodeHost(root), { outDir: "out", mode: "write" });
    expect(fs.readFileSync(file, "utf8")).toBe(good);
  });

  test("adding a project regenerates the workflow with its jobs", async () => {
    const root = ws(["alpha"]);
    await generateWorkspace(nodeHost(root), { outDir: "out", mode: "write" });
    const extra = ws(["gamma"]);
    fs.cpSync(path.join(extra, "projects/gamma"), path.join(root, "projects/gamma"), { recursive: true });
    await generateWorkspace(nodeHost(root), { outDir: "out", mode: "write" });
    expect(fs.readFileSync(path.join(root, "out/ci/workflow.yaml"), "utf8")).toContain("project-gamma:");
  });

  test("a run over named specs writes out/ci from every spec of the workspace (issue 13, item 16)", async () => {
    const root = ws(["alpha", "beta"]);
    const r = await generateWorkspace(nodeHost(root), { outDir: "out", mode: "write", specPaths: ["projects/alpha/project.yaml"] });
    expect(r.plans!.map((p) => p.name)).toEqual(["alpha", "ci"]);
    const workflow = fs.readFileSync(path.join(root, "out/ci/workflow.yaml"), "utf8");
    expect(workflow).toContain("project-alpha:");
    expect(workflow).toContain("project-beta:");
    expect(fs.existsSync(path.join(root, "out/beta"))).toBe(false);
  });
});

describe("mesh.yaml ci settings and the reserved name", () => {
  const spam = exampleText("spam");
  test("ci.neuron_runner and ci.branches reach the workflow", async () => {
    const host = workspace({ "mesh.yaml": "apiVersion: mesh/v1\nkind: Workspace\nci:\n  neuron_runner: [self-hosted, trn1]\n  branches: [main, release]\n", "projects/spam/project.yaml": spam });
    const { value, lines } = await compileLines(host);
    expect(lines).toEqual([]);
    const text = generateCiWorkflow(value!)[0]!.contents;
    expect(text).toContain('  compile-neuron-spam:\n    name: "spam: Neuron compile"\n    runs-on:\n      - self-hosted\n      - trn1\n');
    expect(text).toContain("  push:\n    branches:\n      - main\n      - release\n");
  });

  test("a bad runner label is refused with line and column", async () => {
    const host = workspace({ "mesh.yaml": 'apiVersion: mesh/v1\nkind: Workspace\nci:\n  neuron_runner: [self-hosted, "inf2; rm -rf /"]\n', "projects/spam/project.yaml": spam });
    const { lines } = await compileLines(host);
    expect(lines.join("\n")).toMatch(/^mesh\.yaml:4:\d+ error MESH\d+ ci\.neuron_runner\.1: .*runner label/m);
  });

  test("a project named ci is refused: out/ci/ belongs to the workspace", async () => {
    const text = edit(exampleText("iris"), "name: iris", "name: ci");
    const { lines } = await compileLines(workspace({ "projects/ci/project.yaml": text }));
    expect(lines).toEqual([`projects/ci/project.yaml:4:7 error MESH016 name: "ci" is reserved: mesh writes the workspace CI workflow to out/ci/; choose another project name`]);
  });
});
