/** compileWorkspace / compileProject: load → validate → rules → lower, with mesh.yaml. */
import { describe, expect, it } from "vitest";
import { compileProject, compileWorkspace, rootFromOut } from "../../../compiler/pipeline.js";
import { formatDiagnostic } from "../../../compiler/diagnostics/format.js";
import { colorsModel, compileLines, edit, exampleText, workspace } from "../../support/frontend/helpers.js";

const EXAMPLES = {
  "projects/spam/project.yaml": exampleText("spam"),
  "projects/iris/project.yaml": exampleText("iris"),
  "projects/colors/project.yaml": exampleText("colors"),
  "projects/colors/model.onnx": colorsModel(),
};

describe("compileWorkspace", () => {
  it("compiles every example into IR, in spec path order", async () => {
    const r = await compileLines(workspace(EXAMPLES));
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.map((p) => [p.name, p.kind, p.specPath, p.rootFromOut])).toEqual([
      ["colors", "App", "projects/colors/project.yaml", "../.."],
      ["iris", "Project", "projects/iris/project.yaml", "../.."],
      ["spam", "Project", "projects/spam/project.yaml", "../.."],
    ]);
  });

  it("gives no IR at all when one of several specs is invalid", async () => {
    const r = await compileLines(workspace({ ...EXAMPLES, "projects/iris/project.yaml": edit(exampleText("iris"), "port: 8001", "port: 0") }));
    expect(r.value).toBeUndefined();
    expect(r.lines).toEqual(["projects/iris/project.yaml:42:11 error MESH015 steps.serve.port: expected integer from 1 to 65535, got 0"]);
  });

  it("loads mesh.yaml and passes it to lower", async () => {
    const meshYaml = "apiVersion: mesh/v1\nkind: Workspace\nregistry: s3://models/mesh\nimages: { prefix: registry.local/ml }\naws: { region: eu-west-1 }\n";
    const r = await compileLines(workspace({ ...EXAMPLES, "mesh.yaml": meshYaml }));
    expect(r.diagnostics).toEqual([]);
    const iris = r.value!.find((p) => p.name === "iris")!;
    expect([iris.registry, iris.images.prefix, iris.aws.region]).toEqual(["s3://models/mesh", "registry.local/ml", "eu-west-1"]);
  });

  it("reports mesh.yaml problems with positions like any spec", async () => {
    const r = await compileLines(workspace({ ...EXAMPLES, "mesh.yaml": "apiVersion: mesh/v1\nkind: Workspace\nregistri: file://x\naws: { region: mars }\n" }));
    expect(r.value).toBeUndefined();
    expect(r.lines).toEqual([
      'mesh.yaml:3:1 error MESH013 registri: unknown key "registri"; did you mean "registry"?',
      'mesh.yaml:4:16 error MESH016 aws.region: "mars" must be an AWS region such as us-east-1',
    ]);
    expect((await compileLines(workspace({ ...EXAMPLES, "mesh.yaml": "" }))).lines).toEqual(["mesh.yaml:1:1 error MESH005: file is empty; expected a mapping such as `apiVersion: mesh/v1`"]);
  });

  it("computes rootFromOut from --out, else mesh.yaml's out", async () => {
    const r = await compileWorkspace(workspace(EXAMPLES), { outDir: "build/deploy" });
    expect(r.value?.map((p) => p.rootFromOut)).toEqual(["../../..", "../../..", "../../.."]);
    const w = await compileWorkspace(workspace({ ...EXAMPLES, "mesh.yaml": "apiVersion: mesh/v1\nkind: Workspace\nout: gen\n" }));
    expect(w.value?.[0]?.rootFromOut).toBe("../..");
    expect(rootFromOut("/ws", "/elsewhere/out", "spam")).toBe("../../../ws");
  });

  it("keeps warnings next to IR (an unknown YAML tag)", async () => {
    const r = await compileLines(workspace({ "projects/iris/project.yaml": edit(exampleText("iris"), "description: ", "description: !note ") }));
    expect(r.value).toHaveLength(1);
    expect(r.lines).toEqual(["projects/iris/project.yaml:6:14 warning MESH011: YAML: unresolved tag: !note"]);
  });

  it("reports a spec path that does not exist", async () => {
    const r = await compileLines(workspace(EXAMPLES), { specPaths: ["projects/nope/project.yaml"] });
    expect(r.lines).toEqual(["projects/nope/project.yaml error MESH001: file not found"]);
  });
});

describe("compileProject", () => {
  it("returns one project's IR by name", async () => {
    const r = await compileProject(workspace(EXAMPLES), "iris");
    expect(r.value?.name).toBe("iris");
  });
  it("names the known projects when the name is unknown", async () => {
    const r = await compileProject(workspace(EXAMPLES), "spa");
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(['projects error MESH002: no project named "spa" (projects: colors, iris, spam)']);
  });
});

describe("mesh.yaml projects globs", () => {
  it("finds specs by glob instead of projects/*/project.yaml", async () => {
    const { globRegExp, globBase } = await import("../../../compiler/load/spec-globs.js");
    expect(globRegExp("teams/**/project.yaml").test("teams/a/b/project.yaml")).toBe(true);
    expect(globRegExp("teams/**/project.yaml").test("teams/project.yaml")).toBe(true);
    expect(globRegExp("teams/*/project.yaml").test("teams/a/b/project.yaml")).toBe(false);
    expect(globBase("teams/**/project.yaml")).toBe("teams");
    const host = workspace({
      "mesh.yaml": "apiVersion: mesh/v1\nkind: Workspace\nprojects: [teams/**/project.yaml]\n",
      "teams/nlp/spam/project.yaml": exampleText("spam"),
      "teams/node_modules/x/project.yaml": "junk: [",
      "projects/iris/project.yaml": exampleText("iris"),
    });
    const r = await compileLines(host);
    expect(r.lines).toEqual([]);
    expect(r.value?.map((p) => p.specPath)).toEqual(["teams/nlp/spam/project.yaml"]);
  });
  it("refuses globs that climb out or start with a wildcard", async () => {
    const r = await compileLines(workspace({ "mesh.yaml": "apiVersion: mesh/v1\nkind: Workspace\nprojects: [../other/*.yaml, '**/project.yaml']\n" }));
    expect(r.lines).toEqual([
      "mesh.yaml:3:12 error MESH016 projects.0: \"../other/*.yaml\" must not contain '..'",
      'mesh.yaml:3:29 error MESH016 projects.1: "**/project.yaml" must start with a folder name, such as projects/',
    ]);
  });
});

describe("compileProject with other specs broken", () => {
  it("still compiles a clean project, warning about the skipped ones", async () => {
    const host = workspace({ ...EXAMPLES, "projects/spam/project.yaml": "name: [broken\n" });
    const r = await compileProject(host, "iris");
    expect(r.value?.name).toBe("iris");
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(["projects/iris/project.yaml warning MESH035: skipped other specs with errors: projects/spam/project.yaml (run mesh validate)"]);
  });
  it("fails when the project's own spec or mesh.yaml is broken", async () => {
    const host = workspace({ ...EXAMPLES, "projects/spam/project.yaml": "name: [broken\n" });
    expect((await compileProject(host, "spam")).value).toBeUndefined();
    const withBadWorkspace = workspace({ ...EXAMPLES, "mesh.yaml": "kind: Nope\n" });
    expect((await compileProject(withBadWorkspace, "iris")).value).toBeUndefined();
  });
});
