/**
 * The Open Inference Protocol (V2) face of a transformer task, as KServe's Hugging Face
 * server and Triton's string tensors present one: the text goes in as a `BYTES` tensor of
 * shape [n] named after the request attribute, and each response field comes out as a
 * tensor of its own — `label` BYTES [n], `score` FP32 [n], `scores` FP32 [n, labels],
 * `embedding` FP32 [n, hidden], and `entities` / `keywords` BYTES [n] holding each row's JSON.
 * The request is handed to the generated decoder as a v1 batch, so both protocols validate
 * (and bound) exactly the same way.
 */
import type { ApiError } from "./definition.js";
import { apiError, pointerToken } from "./errors.js";

export interface TextTensorSpec {
  readonly name: string;
  readonly datatype: "BYTES" | "FP32";
  readonly shape: readonly number[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const bad = (pointer: string, code: string, detail: string): ApiError => apiError(400, code, detail, pointer);

/** Response fields of a task → their V2 tensors. */
export function textOutputs(response: readonly string[], labels: readonly string[], hidden: number): TextTensorSpec[] {
  return response.map((name) =>
    name === "score"
      ? { name, datatype: "FP32", shape: [-1] }
      : name === "scores"
        ? { name, datatype: "FP32", shape: [-1, labels.length] }
        : name === "embedding"
          ? { name, datatype: "FP32", shape: [-1, hidden > 0 ? hidden : -1] }
          : { name, datatype: "BYTES", shape: [-1] },
  );
}

export interface TextRequest {
  readonly id?: string;
  readonly texts: readonly string[];
  readonly parameters: unknown;
  readonly outputs: readonly string[];
}

/** Validates a V2 infer body for a text model; every problem has a pointer. */
export function decodeV2Text(body: unknown, input: string, outputs: readonly TextTensorSpec[], maxRows: number): { ok: true; request: TextRequest } | { ok: false; errors: ApiError[] } {
  if (!isObj(body)) return { ok: false, errors: [bad("", "invalid_type", 'the request body must be a JSON object {"inputs": [...]}')] };
  const errors: ApiError[] = [];
  for (const k of Object.keys(body)) if (!["id", "parameters", "inputs", "outputs"].includes(k)) errors.push(bad(`/${pointerToken(k)}`, "unknown_field", `unknown member "${k.slice(0, 64)}"`));
  if (body["id"] !== undefined && typeof body["id"] !== "string") errors.push(bad("/id", "invalid_type", "id must be a string"));
  const inputs = body["inputs"];
  if (!Array.isArray(inputs) || inputs.length !== 1) {
    return { ok: false, errors: [...errors, bad("/inputs", "invalid_type", `inputs must hold one BYTES tensor named "${input}"`)] };
  }
  const t = inputs[0];
  const texts: string[] = [];
  if (!isObj(t)) errors.push(bad("/inputs/0", "invalid_type", "each input must be an object {name, shape, datatype, data}"));
  else {
    for (const k of Object.keys(t))
      if (!["name", "shape", "datatype", "data", "parameters"].includes(k)) errors.push(bad(`/inputs/0/${pointerToken(k)}`, "unknown_field", `unknown member "${k.slice(0, 64)}"`));
    if (t["name"] !== input) errors.push(bad("/inputs/0/name", "unknown_input", `the model takes one input, "${input}"`));
    if (t["datatype"] !== "BYTES") errors.push(bad("/inputs/0/datatype", "invalid_datatype", `input "${input}" is BYTES (UTF-8 text)`));
    const shape = t["shape"];
    const data = t["data"];
    const flat = Array.isArray(data) ? (data.length === 1 && Array.isArray(data[0]) ? (data[0] as unknown[]) : data) : undefined;
    if (!flat || !flat.every((x) => typeof x === "string")) errors.push(bad("/inputs/0/data", "invalid_type", "data must be an array of strings"));
    else texts.push(...(flat as string[]));
    const n = texts.length;
    const shapeOk = Array.isArray(shape) && (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) && shape[0] === n;
    if (!shapeOk) errors.push(bad("/inputs/0/shape", "invalid_shape", `shape must be [${n}] for ${n} strings`));
    if (n < 1 || n > maxRows) errors.push(bad("/inputs/0/shape/0", n < 1 ? "empty_batch" : "too_many_rows", `the batch dimension must be between 1 and ${maxRows}, got ${n}`));
  }
  const wanted: string[] = [];
  const raw = body["outputs"];
  if (raw !== undefined) {
    if (!Array.isArray(raw)) errors.push(bad("/outputs", "invalid_type", "outputs must be an array of {name}"));
    else
      raw.forEach((o, i) => {
        const name = isObj(o) ? o["name"] : undefined;
        if (typeof name !== "string" || !outputs.some((s) => s.name === name))
          errors.push(bad(`/outputs/${i}/name`, "unknown_output", `unknown output ${JSON.stringify(name)?.slice(0, 64)}; the model gives ${outputs.map((s) => s.name).join(", ")}`));
        else if (wanted.includes(name)) errors.push(bad(`/outputs/${i}/name`, "duplicate_output", `output "${name}" is asked for twice`));
        else wanted.push(name);
      });
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, 20) };
  const id = body["id"] as string | undefined;
  return { ok: true, request: { ...(id !== undefined ? { id } : {}), texts, parameters: body["parameters"], outputs: wanted } };
}

/** Batch-form response attributes → V2 output tensors. */
export function encodeV2Text(
  attributes: Readonly<Record<string, readonly unknown[]>>,
  specs: readonly TextTensorSpec[],
  wanted: readonly string[],
  labels: readonly string[],
): { name: string; datatype: string; shape: number[]; data: unknown[] }[] {
  const chosen = wanted.length > 0 ? specs.filter((s) => wanted.includes(s.name)) : specs;
  return chosen.map((s) => {
    const column = attributes[s.name] ?? [];
    if (s.name === "scores") {
      const data = column.flatMap((row) => labels.map((l) => (row as Record<string, number>)[l] ?? 0));
      return { name: s.name, datatype: "FP32", shape: [column.length, labels.length], data };
    }
    if (s.name === "embedding") {
      const rows = column as readonly number[][];
      return { name: s.name, datatype: "FP32", shape: [rows.length, rows[0]?.length ?? 0], data: rows.flat() };
    }
    if (s.datatype === "FP32") return { name: s.name, datatype: "FP32", shape: [column.length], data: [...column] };
    return { name: s.name, datatype: "BYTES", shape: [column.length], data: column.map((v) => (typeof v === "string" ? v : JSON.stringify(v))) };
  });
}
