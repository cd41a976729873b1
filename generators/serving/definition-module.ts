/**
 * `serve/definition.ts`: the `ServiceDefinition` of one project — the seam the server
 * library (`runtimes/serve`) runs. It wires the generated decoder, the shared featurizer
 * (the very code the trainer used), response shaping and the embedded OpenAPI document.
 */
import { VariableDeclarationKind, type SourceFile } from "ts-morph";
import type { FieldRule, ProjectIR } from "../../compiler/ir.js";
import { respondPlanOf } from "../support/respond-plan.js";
import { key } from "../support/ts-api-types.js";

const lit = (v: unknown): string => JSON.stringify(v);

function featureSpec(ir: ProjectIR): string | undefined {
  const f = ir.model.features;
  if (!f) return undefined;
  if (f.kind === "standardize") return lit({ kind: f.kind, columns: f.columns });
  return lit({ kind: f.kind, input: f.input, dims: f.dims, ngrams: f.ngrams, lowercase: f.lowercase, maxChars: f.maxChars });
}

function valueExpr(rule: FieldRule, labels: readonly string[]): string {
  switch (rule.rule) {
    case "label":
      return "LABELS[best] ?? String(best)";
    case "score":
      return "output[base + best] ?? 0";
    case "scores":
      return `{ ${labels.map((l, j) => `${key(l)}: output[base + ${j}] ?? 0`).join(", ")} }`;
    case "row":
      return "Array.from(output.subarray(base, base + width))";
  }
}

function pickStatements(ir: ProjectIR, threshold: boolean): string[] {
  if (threshold) {
    return [
      "// Binary task: the positive (second) label wins once its probability reaches the threshold.",
      "const best = (output[base + 1] ?? 0) >= (parameters[\"threshold\"] ?? 0.5) ? 1 : 0;",
    ];
  }
  if (ir.model.labels.length === 0) return [];
  return ["let best = 0;", "for (let j = 1; j < width; j++) if ((output[base + j] ?? 0) > (output[base + best] ?? 0)) best = j;"];
}

/** Transformer tasks: the library runs tokenizer, batching and the task; the code is data. */
function writeTransformerDefinition(ir: ProjectIR, file: SourceFile): void {
  const { source: _source, ...serving } = ir.model.transformer!;
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: "mesh/runtimes/serve/definition.js", namedImports: ["TransformerServiceDefinition"] });
  file.addImportDeclaration({ moduleSpecifier: "./decode.js", namedImports: ["decode"] });
  file.addImportDeclaration({ moduleSpecifier: "./openapi.js", namedImports: ["OPENAPI"] });
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: "./types.js", namedImports: ["DecodedRequest"] });
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`The served API of ${ir.name}: decode → tokenize → model → ${serving.task}.`],
    declarations: [
      {
        name: "definition",
        type: "TransformerServiceDefinition<DecodedRequest>",
        initializer: (w) => {
          w.write("{").indent(() => {
            w.writeLine(`name: ${lit(ir.name)},`);
            w.writeLine(`basePath: ${lit(ir.serve.api.basePath)},`);
            w.writeLine(`labels: ${lit(ir.model.labels)},`);
            w.writeLine(`inputs: ${lit(ir.model.inputs)},`);
            w.writeLine(`outputs: ${lit(ir.model.outputs)},`);
            w.writeLine("decode,");
            w.writeLine(`transformer: ${lit(serving)},`);
            w.writeLine("openapi: OPENAPI,");
            w.writeLine(`specHash: ${lit(ir.specHash)},`);
            w.writeLine(`meshVersion: ${lit(ir.meshVersion)},`);
          });
          w.write("}");
        },
      },
    ],
  });
}

export function writeDefinitionModule(ir: ProjectIR, file: SourceFile): void {
  if (ir.model.transformer) return writeTransformerDefinition(ir, file);
  const plan = respondPlanOf(ir);
  const features = featureSpec(ir);
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: "mesh/runtimes/serve/definition.js", namedImports: ["TensorServiceDefinition"] });
  if (features) file.addImportDeclaration({ moduleSpecifier: "mesh/runtimes/features/index.js", namedImports: ["createFeaturizer"] });
  file.addImportDeclaration({ moduleSpecifier: "./decode.js", namedImports: ["decode"] });
  file.addImportDeclaration({ moduleSpecifier: "./openapi.js", namedImports: ["OPENAPI"] });
  file.addImportDeclaration({
    isTypeOnly: true,
    moduleSpecifier: "./types.js",
    namedImports: ["BatchResponseAttributes", "DecodedRequest", "ResolvedParameters", "ResponseAttributes"],
  });

  file.addStatements([`const LABELS: readonly string[] = ${lit(plan.labels)};`]);
  if (features) {
    file.addStatements([
      "/** The featurizer shared with the trainer: serving can never featurize differently. */",
      `const featurizer = createFeaturizer(${features});`,
    ]);
  }

  const row = plan.fields.map((f) => `${key(f.field)}: ${valueExpr(f, plan.labels)}`).join(",\n  ");
  file.addFunction({
    name: "respondRow",
    docs: ["Response attributes of one row; `base` is the row's offset in `output`."],
    parameters: [
      { name: "output", type: "Float32Array" },
      { name: "base", type: "number" },
      { name: "width", type: "number" },
      { name: "parameters", type: "ResolvedParameters" },
    ],
    returnType: "ResponseAttributes",
    statements: [...pickStatements(ir, plan.threshold), `return {\n  ${row}\n};`].join("\n"),
  });

  const input = ir.model.inputs[0];
  const appField = ir.serve.api.attributes.find((a) => a.name === input?.name) ?? ir.serve.api.attributes[0];
  const encode = features
    ? ["featurizer.encode(value.rows[row]!, out, offset);"]
    : appField
      ? [`out.set(value.rows[row]![${key(appField.name)}] as number[], offset);`]
      : [];
  const batchInit = plan.fields.map((f) => `${key(f.field)}: []`).join(", ");
  const pushes = plan.fields.map((f) => `out[${key(f.field)}].push(one[${key(f.field)}]);`);

  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`The served API of ${ir.name}: decode → encode → model → respond.`],
    declarations: [
      {
        name: "definition",
        type: "TensorServiceDefinition<DecodedRequest, ResponseAttributes | BatchResponseAttributes>",
        initializer: (w) => {
          w.write("{").indent(() => {
            w.writeLine(`name: ${lit(ir.name)},`);
            w.writeLine(`basePath: ${lit(ir.serve.api.basePath)},`);
            w.writeLine("labels: LABELS,");
            w.writeLine(`inputs: ${lit(ir.model.inputs)},`);
            w.writeLine(`outputs: ${lit(ir.model.outputs)},`);
            w.writeLine("decode,");
            w.writeLine("encode(value, row, out, offset) {").indent(() => encode.forEach((l) => w.writeLine(l))).writeLine("},");
            w.writeLine("respond(decoded, output, width) {").indent(() => {
              w.writeLine("const { parameters } = decoded.value;");
              w.writeLine("if (!decoded.batch) return respondRow(output, 0, width, parameters);");
              w.writeLine(`const out: BatchResponseAttributes = { ${batchInit} };`);
              w.writeLine("for (let r = 0; r < decoded.rows; r++) {").indent(() => {
                w.writeLine("const one = respondRow(output, r * width, width, parameters);");
                pushes.forEach((l) => w.writeLine(l));
              });
              w.writeLine("}").writeLine("return out;");
            });
            w.writeLine("},");
            w.writeLine("openapi: OPENAPI,");
            w.writeLine(`specHash: ${lit(ir.specHash)},`);
            w.writeLine(`meshVersion: ${lit(ir.meshVersion)},`);
          });
          w.write("}");
        },
      },
    ],
  });
}
