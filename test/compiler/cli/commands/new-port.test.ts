/**
 * Issue 13, item 16 (mesh new): a scaffold serves on the lowest port no spec of the workspace
 * serves on (environments included), not on 8000 like the examples — so `mesh serve` of the
 * new project and of the others can run side by side — and still validates as written.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runNew } from "../../../../compiler/cli/commands/new.js";
import { freePort, newSpecText } from "../../../../compiler/cli/commands/new-spec.js";
import { compileWorkspace } from "../../../../compiler/pipeline.js";
import { nodeHost } from "../../../../compiler/host.js";
import { edit, exampleText } from "../../../support/frontend/helpers.js";

let dirs: string[] = [];
beforeEach(() => {
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-new-"));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "projects"));
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  return dir;
}

const portOf = (dir: string, name: string) => Number(/^ {4}port: (\d+)/m.exec(fs.readFileSync(path.join(dir, "projects", name, "project.yaml"), "utf8"))?.[1]);

describe("mesh new picks a free port (issue 13, item 16)", () => {
  it("freePort: the lowest port from the default up that is not taken", () => {
    expect(freePort([], 8000)).toBe(8000);
    expect(freePort([8000, 8001, 8003], 8000)).toBe(8002);
  });

  it("takes 8000 in an empty workspace, and the next free one after each scaffold", async () => {
    const ws = workspace({});
    expect(await runNew("first", { task: "text-classification" }, ws)).toBe(0);
    expect(await runNew("second", { task: "tabular-classification" }, ws)).toBe(0);
    expect(await runNew("third", { task: "text-classification" }, ws)).toBe(0);
    expect([portOf(ws, "first"), portOf(ws, "second"), portOf(ws, "third")]).toEqual([8000, 8001, 8002]);
    const r = await compileWorkspace(nodeHost(ws));
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.map((ir) => ir.serve.hostPort).sort()).toEqual([8000, 8001, 8002]);
  });

  it("skips the ports of the examples, of specs without a port (the default), of environment overrides and of invalid specs", async () => {
    const withEnv = edit(edit(edit(exampleText("iris"), "name: iris", "name: other"), "key: IRIS", "key: OTHER"), "port: 8001", "port: 8003") + "environments:\n  prod: { serve: { port: 8002 } }\n";
    const ws = workspace({
      "projects/spam/project.yaml": exampleText("spam"), // no port: the default, 8000
      "projects/iris/project.yaml": exampleText("iris"), // 8001
      "projects/other/project.yaml": withEnv, // 8003, and 8002 in prod
      "projects/broken/project.yaml": "name: Not_A_Label\nsteps: { serve: { port: 8004 } }\n",
    });
    expect(await runNew("fresh", { task: "text-classification" }, ws)).toBe(0);
    expect(portOf(ws, "fresh")).toBe(8005);
  });

  it("the scaffold text names its port", () => {
    expect(newSpecText("x", "text-classification", 8123)).toMatch(/\n {2}serve:\n {4}port: 8123 /);
  });
});
