/**
 * The hadolint-style checks catch what they claim to, and the core images (including the
 * Neuron ones, which cannot be built here) render to Dockerfiles that pass them, in a valid
 * lineage.
 */
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../../../compiler/lower/defaults.js";
import { coreDockerfile } from "../../../generators/dockerfile/core-image.js";
import { lintDockerfile } from "../../../generators/dockerfile/lint.js";
import { renderDockerfile } from "../../../generators/support/dockerfile-render.js";
import { ancestry, CORE_IMAGES, topologicalOrder, type CoreImage } from "../../../runtimes/images/lineage.js";
import { parseLdd } from "../../../runtimes/images/base-rootfs.js";
import { instructions } from "../../support/images/support.js";

const rules = (text: string) => lintDockerfile(text).map((f) => f.rule);
const ok = 'FROM node:20-bookworm-slim\nUSER 10001:10001\nCMD ["node"]\n';

describe("lintDockerfile", () => {
  it("passes a minimal good Dockerfile", () => expect(lintDockerfile(ok)).toEqual([]));
  const cases: [string, string, string][] = [
    ["untagged base", "FROM node\nUSER 1:1\n", "DL3006"],
    ["latest base", "FROM node:latest\nUSER 1:1\n", "DL3007"],
    ["ARG base without a pinned default", "ARG BASE\nFROM ${BASE}\nUSER 1:1\n", "DL3006"],
    ["ADD", `${ok}ADD x /x\n`, "DL3020"],
    ["shell-form RUN", "FROM node:20\nRUN echo hi\nUSER 1:1\n", "MESH003"],
    ["package manager", 'FROM node:20\nRUN ["apt-get","install","-y","curl"]\nUSER 1:1\n', "MESH004"],
    ["npm in exec form", 'FROM node:20\nRUN ["npm","ci"]\nUSER 1:1\n', "MESH004"],
    ["root user", "FROM node:20\nUSER root\n", "DL3002"],
    ["no user at all", 'FROM node:20\nCMD ["node"]\n', "DL3002"],
    ["shell-form CMD", "FROM node:20\nUSER 1:1\nCMD node serve/main.js\n", "DL3025"],
    ["curl healthcheck", 'FROM node:20\nUSER 1:1\nHEALTHCHECK CMD ["curl","-f","http://x"]\n', "MESH005"],
    ["line continuation", "FROM node:20\nLABEL a=b \\\nRUN touch /x\nUSER 1:1\n", "MESH001"],
    ["stray text", "FROM node:20\ntouch /pwned\nUSER 1:1\n", "MESH002"],
    ["relative WORKDIR", "FROM node:20\nWORKDIR app\nUSER 1:1\n", "DL3000"],
    ["COPY from an unknown stage", "FROM node:20\nCOPY --from=nope /a /b\nUSER 1:1\n", "DL3022"],
    ["two CMDs", 'FROM node:20\nUSER 1:1\nCMD ["a"]\nCMD ["b"]\n', "DL4003"],
  ];
  for (const [what, text, rule] of cases) it(`flags ${what} (${rule})`, () => expect(rules(text)).toContain(rule));

  it("a stage FROM an earlier stage inherits its user", () => {
    expect(rules('FROM node:20 AS a\nUSER 10001:10001\nFROM a\nCMD ["node"]\n')).toEqual([]);
  });
  it("digest-pinned bases pass", () => expect(rules(`FROM node@sha256:${"a".repeat(64)}\nUSER 1:1\n`)).toEqual([]));
});

describe("renderDockerfile refuses values no spec can produce", () => {
  const base = { header: [], globalArgs: [] };
  it("a COPY path with a space", () => {
    expect(() => renderDockerfile({ ...base, stages: [{ from: "node:20", instructions: [{ kind: "copy", src: "a b", dest: "/x" }] }] })).toThrow(/COPY path/);
  });
  it("a root USER", () => {
    expect(() => renderDockerfile({ ...base, stages: [{ from: "node:20", instructions: [{ kind: "user", uid: 0, gid: 0 }] }] })).toThrow(/non-root/);
  });
  it("a FROM that is not an image reference", () => {
    expect(() => renderDockerfile({ ...base, stages: [{ from: "node:20\nRUN x", instructions: [] }] })).toThrow(/FROM/);
  });
  it("a control character in an exec argument", () => {
    expect(() => renderDockerfile({ ...base, stages: [{ from: "node:20", instructions: [{ kind: "cmd", argv: ["a\nb"] }] }] })).toThrow(/control/);
  });
});

describe("core images", () => {
  const d = DEFAULTS.images;
  const fromOf = (i: CoreImage) => ("core" in i.parent ? `${i.parent.core}:0.1.0` : { base: d.base, neuronCompile: d.neuronCompile, neuronInference: d.neuronInference }[i.parent.external]);

  it("are listed parents first, and a cycle is refused", () => {
    const order = topologicalOrder().map((i) => i.name);
    for (const i of CORE_IMAGES) if ("core" in i.parent) expect(order.indexOf(i.parent.core)).toBeLessThan(order.indexOf(i.name));
    expect(ancestry("mesh-serve").map((i) => i.name)).toEqual(["mesh-base", "mesh-serve"]);
    const cyclic: CoreImage[] = [
      { name: "mesh-base", parent: { core: "mesh-serve" }, payload: "none", doc: "" },
      { name: "mesh-serve", parent: { core: "mesh-base" }, payload: "serve", doc: "" },
    ];
    expect(() => topologicalOrder(cyclic)).toThrow(/cycle/);
  });

  for (const image of CORE_IMAGES) {
    it(`${image.name} renders to a Dockerfile that passes the checks`, () => {
      const text = renderDockerfile(coreDockerfile({ name: image.name, from: fromOf(image), payload: image.payload, doc: image.doc, meshVersion: "0.1.0" }));
      expect(lintDockerfile(text)).toEqual([]);
      const ops = instructions(text);
      expect(ops[0]).toEqual(["FROM", fromOf(image)]);
      expect(ops.filter(([op]) => op === "USER").at(-1)?.[1]).toBe("10001:10001");
    });
  }

  it("Neuron images start FROM the pinned AWS deep-learning containers", () => {
    const neuron = CORE_IMAGES.filter((i) => i.payload === "python");
    expect(neuron.map((i) => fromOf(i))).toEqual([d.neuronCompile, d.neuronInference]);
    for (const i of neuron) expect(fromOf(i)).toMatch(/^public\.ecr\.aws\/neuron\/pytorch-(training|inference)-neuronx:[0-9][^:]*sdk[0-9.]+/);
  });
});

describe("parseLdd", () => {
  it("keeps resolved libraries and the loader, drops the vDSO", () => {
    const out = [
      "\tlinux-vdso.so.1 (0x00007ffd)",
      "\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f)",
      "\tlibonnxruntime.so.1 => /app/node_modules/onnxruntime-node/bin/libonnxruntime.so.1 (0x0)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f)",
      "\tlibmissing.so => not found",
    ].join("\n");
    expect(parseLdd(out)).toEqual(["/app/node_modules/onnxruntime-node/bin/libonnxruntime.so.1", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib64/ld-linux-x86-64.so.2"]);
  });
});
