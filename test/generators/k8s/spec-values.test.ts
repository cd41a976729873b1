/**
 * Bad deployment values in a spec never reach a manifest: `mesh validate` (the same compile
 * pipeline, in memory here) names the file, line and column of each.
 */
import { describe, expect, test } from "vitest";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";

const F = "projects/spam/project.yaml";
const spam = exampleText("spam");

describe("spec values the manifests depend on", () => {
  test.each([
    [
      "negative replicas in an environment",
      edit(spam, "serve: { replicas: 3, alias: production }", "serve: { replicas: -1 }"),
      `${F}:66:70 error MESH015 environments.prod.serve.replicas: expected integer from 0 to 1000, got -1`,
    ],
    [
      "negative replicas in the serve step",
      edit(spam, "    image: { max_mb: 250 }", "    image: { max_mb: 250 }\n    replicas: -2"),
      `${F}:63:15 error MESH015 steps.serve.replicas: expected integer from 0 to 1000, got -2`,
    ],
    [
      "memory that is not a quantity",
      edit(spam, "serve: { replicas: 3, alias: production }", "serve: { resources: { memory: lots } }"),
      `${F}:66:81 error MESH016 environments.prod.serve.resources.memory: "lots" must be a memory quantity such as "512Mi"`,
    ],
    [
      "cpu that is not a quantity",
      edit(spam, "serve: { replicas: 3, alias: production }", "serve: { resources: { cpu: many } }"),
      `${F}:66:78 error MESH016 environments.prod.serve.resources.cpu: "many" must be a CPU quantity such as "500m" or "2"`,
    ],
    [
      "an unknown environment",
      edit(spam, "  ci: {", '  qa: { registry: "s3://b/p" }\n  ci: {'),
      `${F}:65:3 error MESH013 environments.qa: unknown key "qa"\n    hint: allowed here: dev, ci, stage, prod`,
    ],
  ])("%s", async (_label, text, line) => {
    const result = await compileSpec(text);
    expect(result.lines).toEqual([line]);
    expect(result.value ?? []).toHaveLength(0);
  });
});
