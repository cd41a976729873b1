/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of one project's payloads: request
 * attributes and parameters, response attributes — each in the single and the batch form —
 * the CONTRACTS error shape, and the Open Inference Protocol (V2) tensors.
 */
import type { FieldIR, ParameterIR, ProjectIR, ResponseFieldIR } from "../../compiler/ir.js";
import { bioSchema } from "./openapi-bio-schema.js";

type Schema = Record<string, unknown>;

/** Each string of a `string[]` parameter holds 1 to this many Unicode code points (a served-API convention, not a spec setting). */
const LIST_ITEM_MAX_CHARS = 200;

function fieldSchema(f: FieldIR | ParameterIR | ResponseFieldIR, labels: readonly string[]): Schema {
  const s: Schema = {};
  switch (f.type) {
    case "string":
      s["type"] = "string";
      if ("maxLength" in f && f.maxLength !== undefined) {
        s["maxLength"] = f.maxLength;
        // Said once, here, for every reader: the servers count exactly this.
        s["description"] = `at most ${f.maxLength} Unicode code points (JSON Schema maxLength; a surrogate pair is one)`;
      }
      if ("enum" in f && f.enum && f.enum.length > 0) s["enum"] = [...f.enum];
      break;
    case "number":
    case "integer":
      s["type"] = f.type;
      if ("min" in f && f.min !== undefined) s["minimum"] = f.min;
      if ("max" in f && f.max !== undefined) s["maximum"] = f.max;
      break;
    case "boolean":
      s["type"] = "boolean";
      break;
    case "number[]": {
      s["type"] = "array";
      s["items"] = { type: "number" };
      const length = "length" in f ? f.length : undefined;
      if (length !== undefined) Object.assign(s, { minItems: length, maxItems: length });
      else if ("maxLength" in f && f.maxLength !== undefined) Object.assign(s, { minItems: 1, maxItems: f.maxLength });
      break;
    }
    case "integer[]": {
      const items: Schema = { type: "integer" };
      if ("min" in f && f.min !== undefined) items["minimum"] = f.min;
      if ("max" in f && f.max !== undefined) items["maximum"] = f.max;
      Object.assign(s, { type: "array", items });
      if ("length" in f && f.length !== undefined) Object.assign(s, { minItems: f.length, maxItems: f.length });
      break;
    }
    case "string[]": {
      const list: Schema = { type: "array", items: { type: "string", minLength: 1, maxLength: LIST_ITEM_MAX_CHARS } };
      if ("maxItems" in f && f.maxItems !== undefined) list["maxItems"] = f.maxItems;
      const words = "words" in f ? f.words : undefined;
      if (words && words.length > 0) s["oneOf"] = [list, { type: "string", enum: [...words] }];
      else Object.assign(s, list);
      break;
    }
    case "entities":
      Object.assign(s, {
        type: "array",
        items: object(
          [
            ["entity_type", { type: "string", description: "PER, LOC, … (the raw B-/I- label with aggregation none)" }],
            ["entity_text", { type: "string", description: "the exact text between start and end" }],
            ["score", { type: "number" }],
            ["sentence_index", { type: "integer", minimum: 0 }],
            ["start", { type: "integer", minimum: 0, description: "offset in UTF-16 code units (JavaScript string index) into the text" }],
            ["end", { type: "integer", minimum: 0 }],
          ],
          ["entity_type", "entity_text", "score", "sentence_index", "start", "end"],
        ),
      });
      break;
    case "keywords":
      Object.assign(s, {
        type: "array",
        items: object(
          [
            ["keyword_token", { type: "string" }],
            ["keyword_score", { type: "number" }],
          ],
          ["keyword_token", "keyword_score"],
        ),
      });
      break;
    case "scores":
      Object.assign(s, {
        type: "object",
        additionalProperties: false,
        required: [...labels],
        properties: Object.fromEntries(labels.map((l) => [l, { type: "number" }])),
      });
      break;
  }
  if ("default" in f && f.default !== undefined) s["default"] = f.default;
  return s;
}

function object(props: readonly [string, Schema][], required: readonly string[]): Schema {
  return { type: "object", additionalProperties: false, required: [...required], properties: Object.fromEntries(props) };
}

/** Every named schema of the document, keyed by component name. */
export function componentSchemas(ir: ProjectIR): Record<string, Schema> {
  const api = ir.serve.api;
  const labels = ir.model.labels;
  const column = (s: Schema): Schema => ({ type: "array", items: s, minItems: 1, maxItems: ir.serve.limits.maxRows });
  const topK = (ir.model.transformer?.topK ?? 0) > 0;
  const responseField = (f: ResponseFieldIR): Schema =>
    f.name === "label" && f.type === "string" && labels.length > 0
      ? { type: "string", enum: [...labels] }
      : f.type === "scores" && topK
        ? { ...fieldSchema(f, labels), required: [], description: "the top_k labels only" }
        : fieldSchema(f, labels);
  const attrNames = api.attributes.map((f) => f.name);
  const int64 = new Set(ir.model.inputs.filter((t) => t.datatype === "INT64").map((t) => t.name));
  const attributeSchema = (f: FieldIR): Schema => (f.type === "number[]" && int64.has(f.name) ? { ...fieldSchema(f, labels), items: { type: "integer" } } : fieldSchema(f, labels));
  const respNames = api.response.map((f) => f.name);
  const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
  const tensor: Schema = object(
    [
      ["name", { type: "string" }],
      ["shape", { type: "array", items: { type: "integer", minimum: 0 } }],
      ["datatype", { type: "string", enum: ["FP32", "INT64"] }],
      ["data", { type: "array", items: { type: "number" } }],
    ],
    ["name", "shape", "datatype", "data"],
  );
  const tensorMeta: Schema = object(
    [
      ["name", { type: "string" }],
      ["datatype", { type: "string" }],
      ["shape", { type: "array", items: { type: "integer" } }],
    ],
    ["name", "datatype", "shape"],
  );
  return {
    Attributes: object(
      api.attributes.map((f) => [f.name, attributeSchema(f)]),
      attrNames,
    ),
    BatchAttributes: {
      ...object(
        api.attributes.map((f) => [f.name, column(attributeSchema(f))]),
        attrNames,
      ),
      // JSON Schema cannot compare array lengths, so the one rule it cannot carry is said here.
      description: "one array per attribute, all of the same length (a mismatch is refused with length_mismatch); at most MESH_MAX_ROWS rows, whose default maxItems states",
    },
    Parameters: object(
      api.parameters.map((p) => [p.name, fieldSchema(p, labels)]),
      [],
    ),
    ResponseAttributes: object(
      api.response.map((f) => [f.name, responseField(f)]),
      respNames,
    ),
    BatchResponseAttributes: object(
      api.response.map((f) => [f.name, { type: "array", items: responseField(f) }]),
      respNames,
    ),
    PredictRequest: object(
      [
        [
          "data",
          object(
            [
              ["namespace", { type: "string", const: api.namespace }],
              ["attributes", { oneOf: [ref("Attributes"), ref("BatchAttributes")] }],
              // null reads as "no parameters" (every default applies), as the servers accept it.
              ["parameters", { oneOf: [ref("Parameters"), { type: "null" }] }],
              ["identifier", { type: ["string", "null"] }],
            ],
            ["namespace", "attributes"],
          ),
        ],
      ],
      ["data"],
    ),
    PredictResponse: object(
      [
        ["version", { type: "integer", const: 1 }],
        [
          "data",
          object(
            [
              ["namespace", { type: "string", const: api.namespace }],
              ["attributes", { oneOf: [ref("ResponseAttributes"), ref("BatchResponseAttributes")] }],
            ],
            ["namespace", "attributes"],
          ),
        ],
      ],
      ["version", "data"],
    ),
    Error: object(
      [
        [
          "errors",
          {
            type: "array",
            minItems: 1,
            items: object(
              [
                ["status", { type: "string", description: "HTTP status code, as a string" }],
                ["code", { type: "string", description: "machine-readable reason, e.g. wrong_namespace" }],
                ["detail", { type: "string" }],
                ["source", object([["pointer", { type: "string", description: "JSON pointer into the request body" }]], ["pointer"])],
              ],
              ["status", "code", "detail"],
            ),
          },
        ],
      ],
      ["errors"],
    ),
    Live: object([["live", { type: "boolean" }]], ["live"]),
    Ready: object(
      [
        ["ready", { type: "boolean" }],
        ["reason", { type: "string", enum: ["loading", "draining"], description: "why not ready (503 only)" }],
      ],
      ["ready"],
    ),
    ModelReady: object(
      [
        ["name", { type: "string", const: ir.name }],
        ["ready", { type: "boolean" }],
      ],
      ["name", "ready"],
    ),
    ServerMetadata: object(
      [
        ["name", { type: "string" }],
        ["version", { type: "string" }],
        ["extensions", { type: "array", items: { type: "string" } }],
      ],
      ["name", "version", "extensions"],
    ),
    Bio: bioSchema(ir.name, tensorMeta),
    InferTensor: tensor,
    InferRequest: object(
      [
        ["id", { type: "string" }],
        ["parameters", { type: "object" }],
        ["inputs", { type: "array", minItems: 1, items: ref("InferTensor") }],
        [
          "outputs",
          {
            type: "array",
            items: object(
              [
                ["name", { type: "string" }],
                ["parameters", { type: "object" }],
              ],
              ["name"],
            ),
          },
        ],
      ],
      ["inputs"],
    ),
    InferResponse: {
      type: "object",
      required: ["model_name", "outputs"],
      properties: {
        model_name: { type: "string" },
        model_version: { type: "string" },
        id: { type: "string" },
        parameters: { type: "object" },
        outputs: { type: "array", items: ref("InferTensor") },
      },
    },
    ModelMetadata: {
      type: "object",
      required: ["name", "platform", "inputs", "outputs"],
      properties: {
        name: { type: "string" },
        versions: { type: "array", items: { type: "string" } },
        platform: { type: "string" },
        inputs: { type: "array", items: tensorMeta },
        outputs: { type: "array", items: tensorMeta },
      },
    },
  };
}
