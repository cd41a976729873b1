/**
 * JSON Schema export of the spec schemas (`mesh schema`), so editors complete and check
 * `project.yaml` and `mesh.yaml` through the `# yaml-language-server: $schema=` header.
 * The committed copies `schemas/project.schema.json` and `schemas/workspace.schema.json`
 * are exactly these strings; a test fails when they are stale.
 */
import { z } from "zod";
import { projectSpecSchema } from "./project.js";
import { workspaceSchema } from "./workspace.js";

export type SchemaName = "project" | "workspace";

const META: Record<SchemaName, { schema: z.ZodType; title: string; description: string }> = {
  project: {
    schema: projectSpecSchema,
    title: "mesh project spec (projects/<name>/project.yaml)",
    description: "One ML project: kind Project (ingest, register, train, compile, serve) or App (serve an externally maintained model).",
  },
  workspace: {
    schema: workspaceSchema,
    title: "mesh workspace file (mesh.yaml)",
    description: "Settings shared by every project: registries per environment, image prefix and base pins, toolchain, AWS.",
  },
};

/** The JSON Schema (draft 2020-12) of the spec users write: optional fields stay optional. */
export function jsonSchema(name: SchemaName): Record<string, unknown> {
  const meta = META[name];
  const generated = z.toJSONSchema(meta.schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title: meta.title, description: meta.description, ...rest };
}

/** The schema as the exact text of the committed file: two-space JSON and a newline. */
export function jsonSchemaText(name: SchemaName): string {
  return `${JSON.stringify(jsonSchema(name), null, 2)}\n`;
}
