/**
 * Hostile input never executes: free text in the spec (description, example names and
 * texts) and odd override values on the make command line stay text. Every attempt would create
 * a file in an empty sentinel folder; after generating and running make, it must still be empty,
 * and the odd values must reach the (fake) commands as single literal arguments.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectIR } from "../../compiler/ir.js";
import { generateCompose } from "../../generators/compose/compose.js";
import { generateMakefile } from "../../generators/makefile/makefile.js";
import { generateReadme } from "../../generators/readme/readme.js";
import { hostileIR } from "../support/generators/fixtures.js";
import { MakeWorkspace, phonyTargets } from "../support/generators/make-harness.js";

const sentinel = mkdtempSync(join(tmpdir(), "mesh-sentinel-"));
const specWorkspace = mkdtempSync(join(tmpdir(), "mesh-hostile-spec-"));
let ws: MakeWorkspace;
let ir: ProjectIR;
let makefile: string;

/** Overrides that try to run code through Make (`$(shell)`), the shell (`;`, `&&`, `` ` ``, `$()`) or quotes. */
const evil = {
  REGISTRY: `x; touch ${sentinel}/registry`,
  PORT: `1$(shell touch ${sentinel}/port) && touch ${sentinel}/port2 "$(touch ${sentinel}/port3)"`,
  IMAGE_TAG: `latest'; touch ${sentinel}/tag; '`,
  ENV: `dev\`touch ${sentinel}/env\``,
};

beforeAll(async () => {
  ws = new MakeWorkspace();
  ir = await hostileIR(specWorkspace, sentinel);
  makefile = generateMakefile(ir)[0]!.contents;
  ws.write(ir.name, [...generateMakefile(ir), ...generateCompose(ir), ...generateReadme(ir)]);
});
afterAll(() => {
  ws?.dispose();
  rmSync(specWorkspace, { recursive: true, force: true });
  rmSync(sentinel, { recursive: true, force: true });
});

const overrides = (extra: Record<string, string> = {}) => Object.entries({ ...evil, ...extra }).map(([k, v]) => `${k}=${v}`);

describe("hostile free text", () => {
  it("reaches the Makefile only as one comment line, never a recipe", () => {
    const lines = makefile.split("\n");
    const about = lines.filter((l) => l.includes("Evil"));
    expect(about).toHaveLength(1);
    expect(about[0]!.startsWith("# evil: Evil $(shell touch")).toBe(true);
    expect(about[0]!.endsWith("\\")).toBe(false); // a trailing backslash would continue the comment
    expect(lines.some((l) => /^\s*RUN /.test(l) || /^\s*touch/.test(l))).toBe(false);
    expect(lines.filter((l) => l.startsWith("\t")).some((l) => l.includes("Evil") || l.includes(sentinel))).toBe(false);
  });

  it("never appears in compose.yaml", () => {
    const compose = generateCompose(ir)[0]!.contents;
    expect(compose).not.toContain("Evil");
    expect(compose).not.toContain(sentinel);
  });

  it("does not run when make dry-runs every target with evil overrides", () => {
    for (const target of phonyTargets(makefile)) {
      const r = ws.make(ir.name, ["-n", target, ...overrides()]);
      expect(r.status, `make -n ${target}: ${r.stderr}`).toBe(0);
    }
    expect(readdirSync(sentinel)).toEqual([]);
  });

  it("does not run when make help executes with evil overrides, and help shows no spec text", () => {
    const r = ws.make(ir.name, ["help", ...overrides()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("serve");
    expect(r.stdout).not.toContain("Evil");
    expect(readdirSync(sentinel)).toEqual([]);
  });
});

describe("evil override values", () => {
  it("reach mesh as one literal argument (PORT) and one literal MESH_REGISTRY (REGISTRY)", () => {
    const r = ws.make(ir.name, ["serve", ...overrides({ MESH: ws.fakeMesh })]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls).toEqual([{ tool: "mesh", argv: ["serve", "evil", "--port", evil.PORT, "--env", evil.ENV], cwd: expect.any(String), registry: evil.REGISTRY }]);
    expect(readdirSync(sentinel)).toEqual([]);
  });

  it("reach docker as single arguments: image tag, published port, compose profile", () => {
    const serve = ws.make(ir.name, ["run-serve", ...overrides()]);
    expect(serve.status, serve.stderr).toBe(0);
    const argv = serve.calls[0]?.argv ?? [];
    expect(argv).toContain(`127.0.0.1:${evil.PORT}:8000`);
    expect(argv.at(-1)).toBe(`evil-serve:${evil.IMAGE_TAG}`);
    const train = ws.make(ir.name, ["run-train", ...overrides()]);
    expect(train.calls[0]?.argv).toContain(`MESH_REGISTRY=${evil.REGISTRY}`);
    const up = ws.make(ir.name, ["up", ...overrides()]);
    expect(up.calls[0]?.argv).toEqual(["compose", "-f", "compose.yaml", "--profile", evil.ENV, "up"]);
    expect(readdirSync(sentinel)).toEqual([]);
  });

  it("an evil MESH or ROOT is never evaluated by a shell or by Make", () => {
    const mesh = ws.make(ir.name, ["train", `MESH=true; touch ${sentinel}/mesh`]);
    expect(mesh.status).not.toBe(0); // the command `true;` does not exist: the words are not shell code
    const root = ws.make(ir.name, ["train", `ROOT=x$(shell touch ${sentinel}/root)`, `MESH=${ws.fakeMesh}`]);
    expect(root.status).not.toBe(0); // no such folder
    expect(root.calls).toEqual([]);
    const spaced = ws.make(ir.name, ["help", `ROOT=a b`]);
    expect(spaced.status).not.toBe(0);
    expect(spaced.stderr).toContain("ROOT must be one path without spaces");
    expect(readdirSync(sentinel)).toEqual([]);
  });

  it("taken from the environment instead of the command line are just as inert", () => {
    const r = ws.make(ir.name, ["serve", `MESH=${ws.fakeMesh}`], evil);
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls[0]).toMatchObject({ argv: ["serve", "evil", "--port", evil.PORT, "--env", evil.ENV], registry: evil.REGISTRY });
    expect(readdirSync(sentinel)).toEqual([]);
  });

  it("any value, whatever characters it holds, arrives unchanged (property test)", () => {
    const unit = fc.constantFrom(..."$(){}'\"`\\;&|#%*?=:@!~<> \n\tabcXYZ019é€\u2028".split(""));
    // Make drops leading white space from a command-line value; everything else must survive.
    const value = fc.string({ unit, minLength: 1, maxLength: 24 }).filter((v) => !/^\s/.test(v));
    fc.assert(
      fc.property(value, value, (port, registry) => {
        const r = ws.make(ir.name, ["serve", `MESH=${ws.fakeMesh}`, `PORT=${port}`, `REGISTRY=${registry}`]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.calls).toEqual([{ tool: "mesh", argv: ["serve", "evil", "--port", port, "--env", "dev"], cwd: expect.any(String), registry }]);
      }),
      { numRuns: 40 },
    );
    expect(readdirSync(sentinel)).toEqual([]);
  });

  it("would have run with the naive `export PORT` pattern (the sentinel check can fail)", () => {
    const naive = join(ws.root, "naive.mk");
    const r = spawnSync("sh", ["-c", `printf 'PORT ?= 1\\nexport PORT\\nt:\\n\\t@true\\n' > ${naive} && make -f ${naive} t 'PORT=$(shell touch ${sentinel}/naive)'`]);
    expect(r.status).toBe(0);
    expect(readdirSync(sentinel)).toEqual(["naive"]);
    rmSync(join(sentinel, "naive"));
  });
});
