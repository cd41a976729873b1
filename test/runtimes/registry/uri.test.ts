/** Registry URIs: parsing, precedence (CONTRACTS.md), S3 settings from the workspace vs the environment. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { DEFAULT_REGISTRY_URI, RegistryError, openRegistry, parseRegistryUri, resolveRegistryUri, s3OptionsFromWorkspace } from "../../../runtimes/registry/index.js";

describe("parseRegistryUri", () => {
  test("file and s3 forms", () => {
    expect(parseRegistryUri("file://.mesh/registry")).toEqual({ kind: "file", path: ".mesh/registry" });
    expect(parseRegistryUri("file:///var/lib/mesh")).toEqual({ kind: "file", path: "/var/lib/mesh" });
    expect(parseRegistryUri("s3://my-bucket")).toEqual({ kind: "s3", bucket: "my-bucket", prefix: "" });
    expect(parseRegistryUri("s3://my-bucket/teams/ml/")).toEqual({ kind: "s3", bucket: "my-bucket", prefix: "teams/ml" });
  });

  test.each([
    ["", "empty"],
    ["registry", "unknown scheme"],
    ["http://x/y", "unknown scheme"],
    ["file://", "no path after file://"],
    ["s3://UPPER/x", '"UPPER" is not a valid bucket name'],
    ["s3://b/", '"b" is not a valid bucket name'],
    ["s3://bucket/a/../b", 'prefix segment ".." is not allowed'],
    ["s3://bucket/a//b", 'prefix segment "" is not allowed'],
  ])("%j → one clear error (%s)", (uri, why) => {
    expect(() => parseRegistryUri(uri)).toThrow(RegistryError);
    expect(() => parseRegistryUri(uri)).toThrow(`invalid registry URI ${JSON.stringify(uri)}: ${why} (expected file://PATH or s3://BUCKET/PREFIX)`);
  });

  test("openRegistry refuses a bad URI and resolves relative file paths against cwd", async () => {
    expect(() => openRegistry("ftp://x")).toThrow(/invalid registry URI "ftp:\/\/x": unknown scheme/);
    const cwd = await mkdtemp(join(tmpdir(), "mesh-uri-"));
    try {
      const reg = openRegistry("file://reg", { cwd });
      const card = { type: "trained" as const, project: "p", specHash: "h", params: {}, metrics: {}, toolVersion: "t" };
      await reg.publishModel("p", "P", "TRAINED", { "m.onnx": new Uint8Array([1]) }, card);
      expect(await openRegistry(`file://${join(cwd, "reg")}`).listModelVersions("p", "P", "TRAINED")).toEqual([1]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe("resolveRegistryUri: --registry > MESH_REGISTRY > mesh.yaml/IR > default", () => {
  test("each level wins over the ones after it", () => {
    const env = { MESH_REGISTRY: "s3://from-env/x" };
    expect(resolveRegistryUri("file://flag", env, "file://ir")).toBe("file://flag");
    expect(resolveRegistryUri(undefined, env, "file://ir")).toBe("s3://from-env/x");
    expect(resolveRegistryUri(undefined, {}, "file://ir")).toBe("file://ir");
    expect(resolveRegistryUri(undefined, {}, undefined)).toBe(DEFAULT_REGISTRY_URI);
    expect(resolveRegistryUri("", { MESH_REGISTRY: " " }, undefined)).toBe("file://.mesh/registry");
  });

  test("S3 settings: the AWS environment overrides mesh.yaml", () => {
    const aws = { region: "eu-west-1", s3Endpoint: "http://minio:9000", s3ForcePathStyle: true };
    expect(s3OptionsFromWorkspace(aws, {})).toEqual({ endpoint: "http://minio:9000", region: "eu-west-1", forcePathStyle: true });
    expect(s3OptionsFromWorkspace(aws, { AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1", AWS_REGION: "us-east-2" })).toEqual({
      endpoint: "http://127.0.0.1:1",
      region: "us-east-2",
      forcePathStyle: true,
    });
    expect(s3OptionsFromWorkspace({ region: "us-east-1", s3Endpoint: "", s3ForcePathStyle: false }, { AWS_ENDPOINT_URL: "http://h:1" })).toEqual({ endpoint: "http://h:1", region: "us-east-1" });
  });
});
