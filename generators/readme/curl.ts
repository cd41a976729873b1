/**
 * curl commands for the README: one per spec example against the loopback server, plus a batch
 * request when the examples can be stacked. Bodies are the exact JSON the server expects, inside
 * single quotes (`'` written as `'\''`), so any example text stays one literal argument; control
 * and bidi characters are written as JSON escapes (`inertJson`), the same value on the wire.
 */
import type { ExampleIR, ProjectIR } from "../../compiler/ir.js";
import { canonicalJson } from "../support/canonical-json.js";
import { shellQuote } from "../support/shell.js";
import { inertJson } from "./markdown.js";

export interface CurlExample {
  /** The example's name (free text; the template escapes it). */
  readonly title: string;
  /** Shell lines, continued with ` \`. */
  readonly lines: readonly string[];
  /** What the spec expects in the answer's `data.attributes`, as JSON, or "" when nothing. */
  readonly expect: string;
}

/** `http://127.0.0.1:<port>` — the server the README's commands start. */
export function baseUrl(ir: ProjectIR): string {
  return `http://127.0.0.1:${ir.serve.hostPort}`;
}

/** The predict request body of CONTRACTS.md: `{"data": {namespace, attributes, parameters}}`. */
export function predictBody(ir: ProjectIR, attributes: unknown, parameters: Readonly<Record<string, unknown>>): string {
  const data: Record<string, unknown> = { namespace: ir.serve.api.namespace, attributes };
  if (Object.keys(parameters).length > 0) data.parameters = parameters;
  return canonicalJson({ data });
}

function post(ir: ProjectIR, body: string): string[] {
  return [`curl -sS -X POST ${shellQuote(`${baseUrl(ir)}${ir.serve.api.basePath}/predict`)} \\`, `  -H 'content-type: application/json' \\`, `  --data-binary ${shellQuote(inertJson(body))}`];
}

/** True when examples can be stacked into the batch form (scalar attributes, same parameters). */
function stackable(ir: ProjectIR, examples: readonly ExampleIR[]): boolean {
  if (examples.length < 2) return false;
  if (ir.serve.api.attributes.some((f) => f.type === "number[]")) return false;
  const params = canonicalJson(examples[0]?.parameters ?? {});
  return examples.every((e) => canonicalJson(e.parameters) === params);
}

/** One curl command per example, then the batch form of all of them when it applies. */
export function curlExamples(ir: ProjectIR): CurlExample[] {
  const examples = ir.serve.examples;
  const out: CurlExample[] = examples.map((e) => ({
    title: e.name,
    lines: post(ir, predictBody(ir, e.attributes, e.parameters)),
    expect: Object.keys(e.expect).length > 0 ? inertJson(canonicalJson(e.expect)) : "",
  }));
  if (stackable(ir, examples)) {
    const columns: Record<string, unknown[]> = {};
    for (const f of ir.serve.api.attributes) columns[f.name] = examples.map((e) => e.attributes[f.name]);
    out.push({
      title: "all examples in one request (batch form: attributes hold arrays, answered in order)",
      lines: post(ir, predictBody(ir, columns, examples[0]?.parameters ?? {})),
      expect: "",
    });
  }
  return out;
}
