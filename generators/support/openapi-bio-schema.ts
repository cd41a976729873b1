/**
 * JSON Schema of the `/bio` model card, in step with `runtimes/serve/bio.ts` (BioDocument).
 */
type Schema = Record<string, unknown>;

/** The `/bio` model card (runtimes/serve/bio.ts `BioDocument`); open to additions. */
export function bioSchema(name: string, tensorMeta: Schema): Schema {
  const nullable = (type: string): Schema => ({ type: [type, "null"] });
  const props: [string, Schema][] = [
    ["name", { type: "string", const: name }],
    ["version", { type: "string", description: "served version id, e.g. SPAM-COMPILED-3, or local for a bare model file" }],
    ["alias", { ...nullable("string"), description: "the alias the version was picked through (MESH_MODEL_REF=production, mesh serve --env), or null" }],
    ["versions", { type: "object", required: ["served", "parent"], properties: { served: { type: "string" }, parent: nullable("string") } }],
    ["lineage", { type: "array", items: { type: "string" }, description: "oldest first: trained parent, then the served version" }],
    ["type", nullable("string")],
    ["metrics", { type: "object" }],
    ["target", nullable("object")],
    ["dataset", nullable("object")],
    ["specHash", { ...nullable("string"), description: "sha256 of the spec the serving code was generated from" }],
    ["modelSpecHash", { ...nullable("string"), description: "sha256 of the spec the model was trained from" }],
    ["createdAt", nullable("string")],
    ["meshVersion", nullable("string")],
    ["labels", { type: "array", items: { type: "string" } }],
    ["inputs", { type: "array", items: tensorMeta }],
    ["outputs", { type: "array", items: tensorMeta }],
  ];
  return {
    type: "object",
    description: "Model card: name, version ids, lineage, metrics, compile target, dataset, spec hashes, tensors.",
    required: props.map(([k]) => k),
    properties: Object.fromEntries(props),
  };
}
