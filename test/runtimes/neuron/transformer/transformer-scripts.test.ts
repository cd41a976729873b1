/**
 * The transformer Neuron programs and the folders generated for transformer projects, checked
 * statically (what cannot run here must at least pass the tools): py_compile and pyflakes over
 * the library's Python files and their generated copies, shellcheck over run.sh, the Dockerfile
 * lint, `make -n` of the Makefile's Neuron targets; then what the files say — the Neuron
 * settings in neuron.json, the torch engine and the Node server in the serve image — and
 * that the generated programs are the library's own text behind the header.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { GeneratedFile, ProjectIR } from "../../../../compiler/ir.js";
import { lintDockerfile } from "../../../../generators/dockerfile/lint.js";
import { generateProject } from "../../../../generators/index.js";
import { generateNeuron } from "../../../../generators/neuron/index.js";
import { COMPILE_PROGRAMS, programPath, programText } from "../../../../runtimes/neuron/transformer/scripts.js";
import { goldenLayout } from "../../../../runtimes/neuron/transformer/config.js";
import { PYTHON, run, scratch, writeFiles } from "../../../support/neuron/support.js";
import { availableExamples, exampleWorkspace, withKeywordsNeuronTarget, type Workspace } from "../../../support/neuron/transformer-workspace.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const byPath = (files: readonly GeneratedFile[]) => Object.fromEntries(files.map((f) => [f.path, f.contents]));

describe("the library's Python programs", () => {
  test("py_compile and pyflakes pass (checked on a copy, so no __pycache__ lands in the source tree)", async () => {
    const dir = scratch("programs");
    dirs.push(dir);
    const copies = COMPILE_PROGRAMS.map((name) => {
      const to = path.join(dir, name);
      fs.copyFileSync(programPath(name), to);
      return to;
    });
    for (const p of copies) expect(await run(PYTHON, ["-m", "py_compile", p]), p).toMatchObject({ code: 0 });
    const flakes = await run("pyflakes3", copies);
    expect(flakes.stdout + flakes.stderr).toBe("");
    expect(flakes.code).toBe(0);
  });

  test("each program answers --help without torch work, and refuses to start without torch (exit 3, one sentence)", async () => {
    for (const name of ["compile.py", "validate.py", "sidecar.py"] as const) {
      const help = await run(PYTHON, [programPath(name), "--help"], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
      expect(help.code, name).toBe(0);
      expect(help.stdout).toContain("usage:");
    }
    // The pyenv python3 on PATH has no torch (README); a fake interpreter path stands in when it does.
    const bare = await run("python3", ["-c", "import torch"]);
    if (bare.code === 0) return;
    const r = await run("python3", [programPath("compile.py"), "--model-dir", "x", "--out", "y"], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^compile\.py: No module named 'torch' for .*; install python3-torch/);
  });

  test("the golden layout is the rule of rawOutputs: logits, tokens × labels, pooled (normalised only for feature-extraction)", () => {
    expect(goldenLayout({ task: "text-classification", pooling: "mean", normalize: true })).toEqual({ layout: "logits" });
    expect(goldenLayout({ task: "token-classification", pooling: "mean", normalize: true })).toEqual({ layout: "token-logits" });
    expect(goldenLayout({ task: "feature-extraction", pooling: "cls", normalize: true })).toEqual({ layout: "pooled", pooling: "cls", normalize: true });
    expect(goldenLayout({ task: "keyword-extraction", pooling: "mean", normalize: true })).toEqual({ layout: "pooled", pooling: "mean", normalize: false });
  });
});

const AVAILABLE = availableExamples();
const HAS_KEYWORDS = AVAILABLE.includes("keywords");

describe.skipIf(!AVAILABLE.includes("sentiment") || !AVAILABLE.includes("ner"))("generated Neuron folders of the transformer examples", () => {
  let ws: Workspace;
  let sentiment: ProjectIR;
  let ner: ProjectIR;
  let keywords: ProjectIR | undefined;
  beforeAll(async () => {
    ws = await exampleWorkspace(AVAILABLE, { edit: withKeywordsNeuronTarget });
    [sentiment, ner] = await Promise.all([ws.ir("sentiment"), ws.ir("ner")]);
    if (HAS_KEYWORDS) keywords = await ws.ir("keywords");
  }, 60_000);
  afterAll(() => ws?.remove());

  test("sentiment (inf2, batch 8): compile/neuron and serve-neuron with the transformer programs; run.sh executable", () => {
    const files = generateNeuron(sentiment);
    expect(files.map((f) => f.path).sort()).toEqual([
      "compile/neuron/.dockerignore",
      "compile/neuron/Dockerfile",
      "compile/neuron/compile.py",
      "compile/neuron/neuron.json",
      "compile/neuron/requirements.txt",
      "compile/neuron/run.sh",
      "compile/neuron/traced.py",
      "compile/neuron/validate.py",
      "serve-neuron/.dockerignore",
      "serve-neuron/Dockerfile",
      "serve-neuron/requirements.txt",
      "serve-neuron/sidecar.py",
      "serve-neuron/traced.py",
    ]);
    expect(files.filter((f) => f.mode === 0o755).map((f) => f.path)).toEqual(["compile/neuron/run.sh"]);
    // Deterministic, LF, no machine paths, the header in every non-JSON text.
    expect(generateNeuron(sentiment)).toEqual(files);
    for (const f of files) {
      expect(f.contents.endsWith("\n")).toBe(true);
      expect(f.contents).not.toMatch(/\r|\/work\/main|\/tmp\/|\.mesh\/tmp/);
      if (!f.path.endsWith(".json")) expect(f.contents).toContain("generated by mesh from projects/sentiment/project.yaml; edit the spec and run mesh generate");
    }
    // Two generators never write the same path (generateProject throws if they do).
    expect(() => generateProject(sentiment)).not.toThrow();
  });

  test("the generated programs are the library's files, byte for byte, behind one header line", () => {
    const f = byPath(generateNeuron(ner));
    for (const name of ["compile.py", "validate.py", "traced.py"] as const) {
      expect(f[`compile/neuron/${name}`]).toBe(`# generated by mesh from projects/ner/project.yaml; edit the spec and run mesh generate\n${programText(name)}`);
    }
    expect(f["serve-neuron/sidecar.py"]!.split("\n").slice(1).join("\n")).toBe(programText("sidecar.py"));
  });

  test("neuron.json carries the target's shapes and Neuron settings, the model's inputs and the golden layout", () => {
    const s = JSON.parse(byPath(generateNeuron(sentiment))["compile/neuron/neuron.json"]!);
    // XLM-R style: no token_type_ids input.
    expect(s).toEqual({
      key: "SENTIMENT",
      task: "text-classification",
      instance: "inf2",
      batch_size: 8,
      max_length: 128,
      dynamic_batch: true,
      compiler_args: ["--fast-math", "none"],
      inputs: ["input_ids", "attention_mask"],
      output: "logits",
      golden: { layout: "logits" },
      validate: { atol: 0.01, rtol: 0.01 },
    });
    const n = JSON.parse(byPath(generateNeuron(ner))["compile/neuron/neuron.json"]!);
    expect(n).toMatchObject({ task: "token-classification", batch_size: 6, inputs: ["input_ids", "attention_mask", "token_type_ids"], golden: { layout: "token-logits" } });
    if (!keywords) return;
    const k = JSON.parse(byPath(generateNeuron(keywords))["compile/neuron/neuron.json"]!);
    expect(k).toMatchObject({ instance: "inf1", batch_size: 4, dynamic_batch: false, max_length: 256, output: "last_hidden_state", golden: { layout: "pooled", pooling: "mean", normalize: false } });
    expect(byPath(generateNeuron(keywords))["compile/neuron/requirements.txt"]).toMatch(/^torch-neuron==1\.13\.1\./m);
  });

  test("py_compile, pyflakes and shellcheck pass on every generated file", async () => {
    const dir = scratch("generated");
    dirs.push(dir);
    // ner (inf2) and, when built, keywords (inf1): both instance families.
    const files = [...generateNeuron(ner), ...(keywords ? generateNeuron(keywords) : []).map((f) => ({ ...f, path: `kw/${f.path}` }))];
    writeFiles(dir, files);
    const py = files.filter((f) => f.path.endsWith(".py")).map((f) => path.join(dir, f.path));
    const sh = files.filter((f) => f.path.endsWith(".sh")).map((f) => path.join(dir, f.path));
    expect(py).toHaveLength(keywords ? 10 : 5);
    for (const p of py) expect(await run(PYTHON, ["-m", "py_compile", p]), p).toMatchObject({ code: 0 });
    const flakes = await run("pyflakes3", py);
    expect(flakes.stdout + flakes.stderr).toBe("");
    const check = await run("shellcheck", ["--severity=style", ...sh]);
    expect(check.stdout + check.stderr).toBe("");
    expect(check.code).toBe(0);
  });

  test("run.sh: the lifecycle through mesh, or offline on token ids written by mesh (ENCODED)", () => {
    const sh = byPath(generateNeuron(sentiment))["compile/neuron/run.sh"]!;
    expect(sh).toContain('exec "${NODE:-node}" "$root/bin/mesh.js" run sentiment --only compile --target "$target"');
    expect(sh).toContain('encoded="${ENCODED:-$trained/test_files/encoded.json}"');
    expect(sh).toContain('"$PYTHON" "$here/compile.py" --model-dir "$trained" --out "$out" --target "$target" --config "$here/neuron.json"');
    expect(sh).toContain('--golden "$trained/test_files/predictions.json"');
    expect(sh).toContain("import torch, numpy");
    expect(sh).not.toContain("onnx");
  });

  test("Dockerfiles: compile FROM mesh-neuron-compile; serve = the project's Node server on mesh-neuron-inference with the torch engine; lint passes", () => {
    const f = byPath(generateNeuron(sentiment));
    const compile = f["compile/neuron/Dockerfile"]!;
    const serve = f["serve-neuron/Dockerfile"]!;
    for (const text of [compile, serve]) {
      expect(lintDockerfile(text)).toEqual([]);
      expect(text).toMatch(/^USER 10001:10001$/m);
      expect(text).not.toMatch(/^RUN /m);
    }
    expect(compile).toContain('ENTRYPOINT ["/opt/mesh/compile/run.sh","--offline"]');
    expect(serve).toContain('ARG MESH_RUNTIME_IMAGE="mesh-neuron-inference:0.1.0"\nARG MESH_SERVE_IMAGE="sentiment-serve:0.1.0"\n\nFROM ${MESH_SERVE_IMAGE} AS node\n\nFROM ${MESH_RUNTIME_IMAGE}\n');
    expect(serve).toContain("COPY --from=node /app/serve /app/serve\n");
    expect(serve).toContain("COPY --from=node /usr/local/bin/node /usr/local/bin/node\n");
    expect(serve).toMatch(/^ENV .*MESH_ENGINE="torch" MESH_MODEL_PATH="\/opt\/mesh\/model\/model\.pt" MESH_TORCH_SIDECAR="\/opt\/mesh\/serve-neuron\/sidecar\.py" PYTHON="python3"$/m);
    expect(serve).toMatch(/^HEALTHCHECK .*\/sentiment\/v1\/ready/m);
    expect(serve).toContain('ENTRYPOINT ["node","/app/serve/main.js"]');
    // The allow-lists admit exactly the context files the Dockerfiles copy.
    const copied = (text: string) => [...text.matchAll(/^COPY (?!--from)(\S+) /gm)].map((m) => m[1]).sort();
    const admitted = (text: string) =>
      text
        .split("\n")
        .filter((l) => l.startsWith("!"))
        .map((l) => l.slice(1))
        .sort();
    expect(admitted(f["compile/neuron/.dockerignore"]!)).toEqual(copied(compile));
    expect(admitted(f["serve-neuron/.dockerignore"]!)).toEqual(copied(serve));
    expect(f["serve-neuron/requirements.txt"]).not.toMatch(/fastapi|onnx/);
  });

  test("make -n: the Makefile's Neuron targets run mesh's compile for the transformer project", async () => {
    const dir = path.join(ws.root, "out-make");
    writeFiles(
      dir,
      generateProject(sentiment).filter((f) => f.path === "Makefile"),
    );
    for (const goal of ["compile-neuron", "compile-neuron-cpu"]) {
      const r = await run("make", ["-n", "-C", dir, goal]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`run sentiment --only compile --target ${goal === "compile-neuron" ? "neuron" : "cpu"}`);
    }
  });
});
