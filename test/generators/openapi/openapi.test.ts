/**
 * The generated OpenAPI documents validate with an independent validator
 * (@apidevtools/swagger-parser, OpenAPI 3.1 meta-schema), list exactly the served routes,
 * carry the spec's examples, and are the very document embedded in the served definition.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateOpenapi } from "../../../generators/openapi/index.js";
import type { ProjectIR } from "../../../compiler/ir.js";
import { appIR, exampleIR, removeTrees } from "../../support/servegen/fixtures.js";
import { loadDecode, writeGenerated } from "../../support/servegen/generated.js";

afterAll(removeTrees);

const documentOf = (ir: ProjectIR) => JSON.parse(generateOpenapi(ir)[0]!.contents) as Record<string, any>;
const cases: [string, () => Promise<ProjectIR>][] = [
  ["spam", () => exampleIR("spam")],
  ["iris", () => exampleIR("iris")],
  ["colors (App example)", () => exampleIR("colors")],
  ["sensor (App without labels)", async () => appIR()],
];

describe.each(cases)("openapi.json of %s", (_, load) => {
  test("validates as OpenAPI 3.1", async () => {
    const doc = documentOf(await load());
    expect(doc.openapi).toBe("3.1.0");
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  test("lists exactly the served routes, with the error responses of CONTRACTS", async () => {
    const ir = await load();
    const doc = documentOf(ir);
    const b = `/${ir.name}/v1`;
    const m = `/v2/models/${ir.name}`;
    expect(Object.keys(doc.paths).sort()).toEqual(
      [`${b}/live`, `${b}/ready`, `${b}/predict`, `${b}/bio`, `${b}/openapi.json`, `${b}/docs`, "/v2", "/v2/health/live", "/v2/health/ready", m, `${m}/ready`, `${m}/infer`, "/metrics"].sort(),
    );
    expect(Object.keys(doc.paths[`${b}/predict`].post.responses).sort()).toEqual(["200", "400", "408", "413", "415", "503", "504"]);
    expect(doc.components.responses.Unavailable.headers["Retry-After"]).toBeDefined();
  });

  test("request examples are the spec's examples and decode cleanly", async () => {
    const ir = await load();
    const doc = documentOf(ir);
    const examples = doc.paths[`/${ir.name}/v1/predict`].post.requestBody.content["application/json"].examples ?? {};
    expect(Object.keys(examples).sort()).toEqual(ir.serve.examples.map((e) => e.name).sort());
    const decode = await loadDecode(ir);
    for (const e of Object.values(examples) as { value: { data: unknown } }[]) {
      expect(decode(e.value.data, ir.serve.limits.maxRows).ok).toBe(true);
    }
  });

  test("the served definition embeds the same document", async () => {
    const ir = await load();
    const dir = writeGenerated(ir);
    const onDisk = JSON.parse(readFileSync(join(dir, "openapi.json"), "utf8"));
    const mod = (await import(pathToFileURL(join(dir, "serve", "openapi.js")).href)) as { OPENAPI: unknown };
    expect(mod.OPENAPI).toEqual(onDisk);
  });
});

test("spam's schemas carry the spec's limits", async () => {
  const doc = documentOf(await exampleIR("spam"));
  const s = doc.components.schemas;
  // maxLength says what it counts (code points, as JSON Schema and both servers do).
  const text = { type: "string", maxLength: 100000, description: "at most 100000 Unicode code points (JSON Schema maxLength; a surrogate pair is one)" };
  expect(s.Attributes).toEqual({ type: "object", additionalProperties: false, required: ["text"], properties: { text } });
  expect(s.BatchAttributes.properties.text).toEqual({ type: "array", items: text, minItems: 1, maxItems: 64 });
  expect(s.Parameters.properties.threshold).toEqual({ type: "number", minimum: 0, maximum: 1, default: 0.5 });
  expect(s.ResponseAttributes.properties.label).toEqual({ type: "string", enum: ["ham", "spam"] });
  expect(s.PredictRequest.properties.data.properties.namespace).toEqual({ type: "string", const: "spam" });
});

test("the validator is not vacuous: a broken copy of the document is refused", async () => {
  const doc = documentOf(await exampleIR("spam"));
  doc.paths["/spam/v1/live"].get.responses = "none";
  await expect(SwaggerParser.validate(doc as never)).rejects.toThrow();
  const noVersion = documentOf(await exampleIR("spam"));
  delete noVersion.info.version;
  await expect(SwaggerParser.validate(noVersion as never)).rejects.toThrow();
});
