/**
 * A project's predict-request decoder, built at start-up from the OpenAPI document the server
 * publishes (`GET …/openapi.json`): every field is checked by ajv against its schema in
 * `components.schemas.Attributes` / `Parameters`, and the namespace comes from
 * `PredictRequest`. The Neuron server (runtimes/neuron/python/app.py) reads the same schemas,
 * so the document is the one request contract; nothing restates a field's constraints.
 *
 * What JSON Schema does not say is owned here: the single or batch form (the first attribute
 * decides), the server's row cap (MESH_MAX_ROWS, so not the document's `maxItems`, which states
 * the default), parameter defaults, the member checked first, and one error per bad value
 * (at most MAX_ERRORS) in the JSON:API shape with a JSON pointer from the body root.
 */
import type { ApiError, DecodeResult } from "./definition.js";
import { fail, type FieldCheck, fieldCheck, fieldCompilers, kind, MAX_ERRORS, type Schema } from "./field-contract.js";

/** Field names in declaration order (a JSON object's keys do not keep it in the document). */
export interface RequestFields {
  /** Project name, for details such as "is not an attribute of spam". */
  readonly name: string;
  readonly attributes: readonly string[];
  readonly parameters: readonly string[];
}

export interface DecodedRows {
  readonly rows: Record<string, unknown>[];
  readonly parameters: Record<string, unknown>;
}

export type Decode<Req> = (data: unknown, maxRows: number) => DecodeResult<Req>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** JSON pointer of an object member (RFC 6901 escaping). */
const member = (base: string, name: string): string => `${base}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;

function refuseUnknown(o: Record<string, unknown>, known: ReadonlySet<string>, base: string, what: string, errors: ApiError[]): void {
  for (const name in o) {
    if (!known.has(name)) fail(errors, "unknown_field", member(base, name), `is not ${what}`);
  }
}

/** `doc` at `path`, an object; a document that lacks it is not one mesh generated. */
function objectAt(doc: unknown, path: readonly string[]): Schema {
  let at: unknown = doc;
  for (const key of path) at = isObject(at) && Object.hasOwn(at, key) ? at[key] : undefined;
  if (!isObject(at)) throw new Error(`request contract: the OpenAPI document has no object at ${path.join(".")}`);
  return at;
}

const deepFreeze = <T>(v: T): T => {
  if (typeof v === "object" && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
};

interface Field {
  readonly name: string;
  readonly pointer: string;
  readonly check: FieldCheck;
  /** The batch form's good path: every element in one validator call (explained by `check` when refused). */
  readonly columnValid: (column: readonly unknown[]) => boolean;
  /** For the batch form: is this value a column of values rather than one value? */
  readonly isColumn: (v: unknown) => boolean;
}

/**
 * The decoder of `openapi`'s predict request. Throws at start-up (never per request) when the
 * document lacks a schema the fields name.
 */
export function requestDecoder<Req extends DecodedRows = DecodedRows>(openapi: Readonly<Record<string, unknown>>, fields: RequestFields): Decode<Req> {
  // A row is built by assignment, which "__proto__" would turn into a prototype change.
  for (const name of [...fields.attributes, ...fields.parameters]) if (name === "__proto__") throw new Error('request contract: "__proto__" cannot be a field name');
  const schemas = objectAt(openapi, ["components", "schemas"]);
  const dataSchema = objectAt(schemas, ["PredictRequest", "properties", "data"]);
  const namespace = objectAt(dataSchema, ["properties", "namespace"])["const"];
  if (typeof namespace !== "string") throw new Error("request contract: PredictRequest data.namespace has no const");
  const compilers = fieldCompilers();
  const dataProperties = objectAt(dataSchema, ["properties"]);
  const dataMembers = new Set(Object.keys(dataProperties));
  const identifierCheck = fieldCheck(objectAt(dataProperties, ["identifier"]), compilers);

  const attributes: Field[] = fields.attributes.map((name) => {
    const schema = objectAt(schemas, ["Attributes", "properties", name]);
    // A row value that is itself an array (a vector): a column is an array of arrays.
    const vector = schema["type"] === "array";
    return {
      name,
      pointer: member("/data/attributes", name),
      check: fieldCheck(schema, compilers),
      // No maxItems: the row cap is the server's (checked before), not the document's default.
      columnValid: compilers.first({ type: "array", items: schema }),
      isColumn: vector ? (v) => Array.isArray(v) && (v.length === 0 || Array.isArray(v[0])) : Array.isArray,
    };
  });
  const attributeNames = new Set(fields.attributes);
  const attributesWhat = `an attribute of ${fields.name} (attributes: ${fields.attributes.join(", ") || "none"})`;

  const parameterSchemas = fields.parameters.map((name) => [name, objectAt(schemas, ["Parameters", "properties", name])] as const);
  const parameters = parameterSchemas.map(([name, schema]) => ({ name, pointer: member("/data/parameters", name), check: fieldCheck(schema, compilers) }));
  const parameterNames = new Set(fields.parameters);
  const parametersWhat = `a parameter of ${fields.name} (parameters: ${fields.parameters.join(", ") || "none"})`;
  // Frozen: every request shares them, so a consumer that mutated one would change the next
  // answer. A copy is frozen, not the document's own values (the decoder never alters its input).
  const defaults = deepFreeze(structuredClone(Object.fromEntries(parameterSchemas.flatMap(([name, schema]) => (schema["default"] === undefined ? [] : [[name, schema["default"]]])))));

  function decodeAttributes(v: unknown, maxRows: number, errors: ApiError[]): { rows: Record<string, unknown>[]; batch: boolean } | undefined {
    if (v === undefined) {
      fail(errors, "required", "/data/attributes", "is required");
      return undefined;
    }
    if (!isObject(v)) {
      fail(errors, "invalid_type", "/data/attributes", `must be an object, got ${kind(v)}`);
      return undefined;
    }
    refuseUnknown(v, attributeNames, "/data/attributes", attributesWhat, errors);
    const first = attributes[0];
    if (first === undefined) return errors.length > 0 ? undefined : { rows: [{}], batch: false };
    // Plain loops: this runs for every request.
    const values: unknown[] = new Array(attributes.length);
    for (let i = 0; i < attributes.length; i++) {
      const f = attributes[i]!;
      values[i] = Object.hasOwn(v, f.name) ? v[f.name] : undefined;
      if (values[i] === undefined) fail(errors, "required", f.pointer, "is required");
    }
    if (errors.length > 0) return undefined;
    if (!first.isColumn(values[0])) {
      for (let i = 0; i < attributes.length; i++) attributes[i]!.check(values[i], attributes[i]!.pointer, errors);
      return errors.length > 0 ? undefined : { rows: [v], batch: false };
    }
    const columns = values as unknown[][];
    const n = columns[0]!.length;
    if (n === 0) {
      fail(errors, "empty_batch", first.pointer, "must hold at least one row");
      return undefined;
    }
    if (n > maxRows) {
      fail(errors, "too_many_rows", first.pointer, `must hold at most ${maxRows} rows, got ${n}`);
      return undefined;
    }
    for (let i = 1; i < attributes.length; i++) {
      const f = attributes[i]!;
      const column = values[i];
      if (!f.isColumn(column)) fail(errors, "invalid_type", f.pointer, `must be an array like the other attributes (batch form), got ${kind(column)}`);
      else if ((column as unknown[]).length !== n) fail(errors, "length_mismatch", f.pointer, `must hold ${n} rows like ${first.name}, got ${(column as unknown[]).length}`);
    }
    if (errors.length > 0) return undefined;
    for (let i = 0; i < attributes.length; i++) {
      const { check, columnValid, pointer } = attributes[i]!;
      const column = columns[i]!;
      if (columnValid(column)) continue;
      for (let r = 0; r < n && errors.length < MAX_ERRORS; r++) check(column[r], `${pointer}/${r}`, errors);
    }
    if (errors.length > 0) return undefined;
    const rows: Record<string, unknown>[] = new Array(n);
    for (let r = 0; r < n; r++) {
      // Own properties even for names such as "constructor".
      const row: Record<string, unknown> = {};
      for (let i = 0; i < attributes.length; i++) row[attributes[i]!.name] = columns[i]![r];
      rows[r] = row;
    }
    return { rows, batch: true };
  }

  function decodeParameters(v: unknown, errors: ApiError[]): Record<string, unknown> {
    const out: Record<string, unknown> = { ...defaults };
    if (v === undefined || v === null) return out;
    if (!isObject(v)) {
      fail(errors, "invalid_type", "/data/parameters", `must be an object, got ${kind(v)}`);
      return out;
    }
    refuseUnknown(v, parameterNames, "/data/parameters", parametersWhat, errors);
    for (const p of parameters) {
      const value = Object.hasOwn(v, p.name) ? v[p.name] : undefined;
      if (value !== undefined && p.check(value, p.pointer, errors)) out[p.name] = value;
    }
    return out;
  }

  // The good path of the single form in one validator call: the published data schema with
  // the single-row attributes in place of the oneOf (the batch form and every refusal take the
  // field-by-field path below, which accepts exactly what this accepts, and more).
  const singleForm = compilers.first({ ...dataSchema, properties: { ...dataProperties, attributes: objectAt(schemas, ["Attributes"]), parameters: objectAt(schemas, ["Parameters"]) } });

  return (data, maxRows) => {
    if (singleForm(data)) {
      const { attributes: row, parameters: given } = data as { attributes: Record<string, unknown>; parameters?: Record<string, unknown> };
      const value = { rows: [row], parameters: given === undefined ? { ...defaults } : { ...defaults, ...given } } as DecodedRows as Req;
      return { ok: true, decoded: { value, rows: 1, batch: false } };
    }
    const errors: ApiError[] = [];
    if (!isObject(data)) {
      if (data === undefined) fail(errors, "required", "/data", "is required");
      else fail(errors, "invalid_type", "/data", `must be an object, got ${kind(data)}`);
      return { ok: false, errors };
    }
    refuseUnknown(data, dataMembers, "/data", "a member of data (namespace, attributes, parameters, identifier)", errors);
    const ns = data["namespace"];
    if (ns === undefined) fail(errors, "required", "/data/namespace", "is required");
    else if (ns !== namespace) fail(errors, "wrong_namespace", "/data/namespace", `must be ${JSON.stringify(namespace)}`);
    const identifier = data["identifier"];
    if (identifier !== undefined) identifierCheck(identifier, "/data/identifier", errors);
    const decoded = decodeAttributes(data["attributes"], maxRows, errors);
    const resolved = decodeParameters(data["parameters"], errors);
    if (decoded === undefined || errors.length > 0) return { ok: false, errors };
    const value = { rows: decoded.rows, parameters: resolved } as DecodedRows as Req;
    return { ok: true, decoded: { value, rows: decoded.rows.length, batch: decoded.batch } };
  };
}
