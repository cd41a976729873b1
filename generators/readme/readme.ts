/**
 * Generator: `out/<name>/README.md` — what the project is, how to run it, its Make targets,
 * HTTP routes, curl examples, the typed client and where its model comes from. Free text from
 * the spec (description, example names) is escaped as Markdown; commands carry it only inside
 * single-quoted shell words.
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { template } from "../support/templates.js";
import { fileRegistryPath } from "../support/container-run.js";
import { headerComment } from "../support/header.js";
import { baseUrl, curlExamples } from "./curl.js";
import { code, inertJson, markdownInline, markdownText } from "./markdown.js";
import { environmentRows, makeTargetRows, makeVariableRows, provenanceLines, routeRows } from "./sections.js";

const render = template(import.meta.url, "templates/readme.hbs");

/** Commands with aligned `#` comments (commands hold only identifiers and numbers). */
function commented(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...pairs.map(([c]) => c.length));
  return pairs.map(([c, comment]) => `${c.padEnd(width)}  # ${comment}`);
}

function lifecycle(ir: ProjectIR): string[] {
  const n = ir.name;
  const port = ir.serve.hostPort;
  if (ir.kind === "App") {
    return commented([
      [`./mesh serve ${n} --port ${port}`, `serve the external model on 127.0.0.1:${port} (= make serve)`],
      [`./mesh test ${n}`, "contract tests from the spec's examples (= make test)"],
    ]);
  }
  return commented([
    [`./mesh run ${n}`, `${ir.steps.join(" → ")}, skipping unchanged steps`],
    [`./mesh run ${n} --no-serve`, "stop before serving (= make run)"],
    ...ir.steps.filter((s) => s !== "serve").map((s) => [`./mesh run ${n} --only ${s}`, `= make ${s}`] as const),
    [`./mesh serve ${n} --port ${port}`, "= make serve"],
    [`./mesh test ${n}`, "contract tests against a fresh loopback server (= make test)"],
  ]);
}

function probes(ir: ProjectIR): string[] {
  const url = baseUrl(ir);
  const base = `${url}${ir.serve.api.basePath}`;
  return [`curl -sS ${base}/ready`, `curl -sS ${base}/bio`, `curl -sS ${base}/openapi.json`, `curl -sS ${url}/v2/models/${ir.name}`, `curl -sS ${url}/metrics`];
}

function clientSnippet(ir: ProjectIR): string[] {
  const example = ir.serve.examples[0];
  const attributes = example ? inertJson(JSON.stringify(example.attributes)) : "{ /* the request attributes */ }";
  const parameters = example && Object.keys(example.parameters).length > 0 ? `, ${inertJson(JSON.stringify(example.parameters))}` : "";
  return [
    `import { Client } from "./client/client.js";`,
    "",
    `const client = new Client({ baseUrl: "${baseUrl(ir)}" });`,
    `if (await client.ready()) {`,
    `  const answer = await client.predict(${attributes}${parameters});`,
    `  console.log(answer);`,
    `}`,
  ];
}

/** The file registry folder `run-<step>` mounts, when any container of the project mounts one. */
function mountedRegistry(ir: ProjectIR): string | undefined {
  const mounts = ir.kind === "Project" || ir.serve.image.model === "download";
  return mounts ? fileRegistryPath(ir.registry) : undefined;
}

/** Pure: IR → README.md. */
export function generateReadme(ir: ProjectIR): GeneratedFile[] {
  const contents = render({
    header: headerComment("html", ir.specPath),
    name: ir.name,
    description: ir.description.trim() === "" ? "_No description in the spec._" : markdownText(ir.description),
    kindText: ir.kind === "App" ? "App: an externally maintained model, served by mesh" : `Project: ${ir.steps.join(" → ")}`,
    task: code(ir.model.task),
    labels: ir.model.labels.map(code).join(", "),
    key: code(ir.key),
    owners: ir.owners.map(markdownInline).join(", "),
    spec: code(ir.specPath),
    specHash: code(ir.specHash.slice(0, 12)),
    outDir: `out/${ir.name}`,
    lifecycle: lifecycle(ir),
    targetRows: makeTargetRows(ir),
    variableRows: makeVariableRows(ir),
    // Only where run-<step> mounts a file registry (see the Makefile's dockerRun).
    registryDir: mountedRegistry(ir) === undefined ? "" : code(mountedRegistry(ir)!),
    registryPath: mountedRegistry(ir) ?? "",
    provenance: provenanceLines(ir),
    environmentRows: environmentRows(ir),
    baseUrl: code(baseUrl(ir)),
    routeRows: routeRows(ir),
    bodyBytes: ir.serve.limits.bodyBytes,
    load: ir.serve.load,
    slo: ir.serve.slo,
    loadReport: code(`.mesh/reports/${ir.name}/load.json`),
    examples: curlExamples(ir).map((e) => ({ title: markdownInline(e.title), lines: e.lines, expect: e.expect })),
    probes: probes(ir),
    clientSnippet: clientSnippet(ir),
  });
  return [{ path: "README.md", contents, mode: 0o644 }];
}
