import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { stringifyDataYaml } from "../../../generators/support/data-yaml.js";

const OPTIONS = { sortMapEntries: true, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;
const reference = (v: unknown) => stringify(v, OPTIONS);

/** Strings that exercise every quoting rule: indicators, `: `, ` #`, numbers, booleans, quotes, unicode. */
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "",
    " ",
    "-",
    "- a",
    "--port",
    "?",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "#x",
    "true",
    "False",
    "null",
    "~",
    "NULL",
    "0",
    "-1",
    "+1",
    "0x1F",
    "0o17",
    "1.5",
    ".5",
    "1e3",
    ".inf",
    ".NaN",
    "it's",
    'say "hi"',
    `'"`,
    "é ü",
    "a\u00a0b",
    "a\nb",
    "---",
    "...",
    "%x",
    "x ",
    "x:",
    "@x",
    "`x",
    "[a]",
    "{a}",
    "a,b",
    "*a",
    "&a",
    "!a",
    "|",
    ">",
  ),
  fc.stringMatching(/^[a-z0-9:./ #"'-]{0,12}$/),
);
const scalar = fc.oneof(tricky, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const data = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(tricky, fc.oneof(tie("value"), fc.constant(undefined)), { maxKeys: 5 }),
})).value;

describe("stringifyDataYaml", () => {
  it("prints exactly what yaml.stringify prints, whenever it accepts the value", () => {
    fc.assert(
      fc.property(data, (v) => {
        const fast = stringifyDataYaml(v);
        if (fast !== undefined) expect(fast).toBe(reference(v));
      }),
      { numRuns: 3000 },
    );
  });

  it("with strings: double, prints what yaml prints with every string value double-quoted", () => {
    // The options generators/compose/compose.ts prints with.
    const doubled = (v: unknown) => stringify(v, { sortMapEntries: true, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0, aliasDuplicateObjects: false });
    fc.assert(
      fc.property(data, (v) => {
        const fast = stringifyDataYaml(v, { strings: "double" });
        if (fast !== undefined) expect(fast).toBe(doubled(v));
      }),
      { numRuns: 3000 },
    );
    expect(stringifyDataYaml({ ports: ["127.0.0.1:8000:8000"], user: "10001:10001" }, { strings: "double" })).toBe('ports:\n  - "127.0.0.1:8000:8000"\nuser: "10001:10001"\n');
  });

  it("accepts the data Kubernetes objects are made of", () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "spam-serve", labels: { "app.kubernetes.io/name": "spam" }, annotations: {} },
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [{ name: "serve", args: ["--port", "8000"], ports: [{ containerPort: 8000 }], env: [{ name: "MESH_MAX_BATCH", value: "32" }], resources: { limits: { cpu: "500m" } } }],
            securityContext: { runAsNonRoot: true, runAsUser: 10001 },
            volumes: [],
          },
        },
        threshold: 0.25,
        extra: undefined,
      },
    };
    const fast = stringifyDataYaml(deployment);
    expect(fast).toBeDefined();
    expect(fast).toBe(reference(deployment));
    // A number-like string stays a string; a flag starting with "-" stays plain.
    expect(fast).toMatch(/\n +value: "32"\n/);
    expect(fast).toMatch(/\n +- --port\n/);
  });

  it("declines what only yaml prints right (multi-line text, document markers, class instances, holes)", () => {
    expect(stringifyDataYaml({ script: "a\nb" })).toBeUndefined();
    expect(stringifyDataYaml({ s: "--- x" })).toBeUndefined();
    expect(stringifyDataYaml({ when: new Date(0) })).toBeUndefined();
    expect(stringifyDataYaml({ n: Number.NaN })).toBeUndefined();
    expect(stringifyDataYaml([1, undefined])).toBeUndefined();
    expect(stringifyDataYaml({ tab: "a\tb" })).toBeUndefined();
  });
});
