/** The committed JSON Schemas are exactly what `mesh schema` prints, and they describe the examples. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { jsonSchema, jsonSchemaText } from "../../schemas/json-schema.js";
import { REPO, exampleText } from "../support/frontend/helpers.js";

describe("JSON Schema export", () => {
  it.each(["project", "workspace"] as const)("schemas/%s.schema.json is up to date (run: npx mesh schema [--workspace] --out …)", (name) => {
    expect(readFileSync(`${REPO}schemas/${name}.schema.json`, "utf8")).toBe(jsonSchemaText(name));
  });

  it("is draft 2020-12 with both kinds and the identifier patterns", () => {
    const s = jsonSchema("project") as { $schema: string; oneOf: { properties: { kind: { const: string }; name: { pattern: string } } }[] };
    expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(s.oneOf.map((o) => o.properties.kind.const)).toEqual(["Project", "App"]);
    expect(s.oneOf[0]!.properties.name.pattern).toBe("^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$");
  });

  it("marks only the user's required fields as required (optional fields have defaults)", () => {
    const s = jsonSchema("project") as { oneOf: { required: string[] }[] };
    expect(s.oneOf[0]!.required.sort()).toEqual(["apiVersion", "key", "kind", "model", "name", "steps"]);
  });

  it("points every example spec at the committed schema", () => {
    for (const name of ["spam", "iris", "colors"] as const) {
      expect(exampleText(name).split("\n")[0]).toBe("# yaml-language-server: $schema=../../schemas/project.schema.json");
      expect(parse(exampleText(name))).toBeTypeOf("object");
    }
  });
});
