/** Model source URIs: what each scheme parses to, and the one sentence for each malformed shape. */
import { describe, expect, test } from "vitest";
import { checkModelUri, parseModelUri } from "../../../runtimes/models/index.js";

describe("parseModelUri", () => {
  test.each([
    ["file://models/model.onnx", { scheme: "file", path: "models/model.onnx" }],
    ["file://models/./minilm/", { scheme: "file", path: "models/minilm" }],
    ["file://../shared/model.onnx", { scheme: "file", path: "../shared/model.onnx" }],
    ["npm:fake-models/models/tiny.onnx", { scheme: "npm", package: "fake-models", path: "models/tiny.onnx" }],
    ["npm:@acme/models/minilm/", { scheme: "npm", package: "@acme/models", path: "minilm" }],
    ["s3://models-bucket/minilm", { scheme: "s3", bucket: "models-bucket", key: "minilm", folder: false }],
    ["s3://models-bucket/minilm/", { scheme: "s3", bucket: "models-bucket", key: "minilm", folder: true }],
    ["s3://models-bucket", { scheme: "s3", bucket: "models-bucket", key: "", folder: true }],
    ["https://example.com/m/model.onnx", { scheme: "https", fileName: "model.onnx" }],
    ["http://127.0.0.1:8080/model.onnx", { scheme: "https", fileName: "model.onnx" }],
    ["hf://sentence-transformers/all-MiniLM-L6-v2", { scheme: "hf", repo: "sentence-transformers/all-MiniLM-L6-v2", revision: "main" }],
    ["hf://bert-base-uncased@v1.0", { scheme: "hf", repo: "bert-base-uncased", revision: "v1.0" }],
    ["hf://org/name@refs/pr/1", { scheme: "hf", repo: "org/name", revision: "refs/pr/1" }],
  ])("%s", (uri, want) => {
    expect(parseModelUri(uri)).toMatchObject({ uri, ...want });
    expect(checkModelUri(uri)).toBeUndefined();
  });
});

describe("checkModelUri", () => {
  test.each([
    ["", "the model source URI is empty"],
    ["models/model.onnx", "the model source needs a scheme (use file://, npm:, s3://, https:// or hf://)"],
    ["ftp://host/model.onnx", 'unknown scheme "ftp:" (use file://, npm:, s3://, https:// or hf://)'],
    ["file://", "file:// names no path (write file://models/model.onnx, relative to the project folder)"],
    ["file:///abs/model.onnx", "file:// paths are relative to the project folder, not absolute (got /abs/model.onnx)"],
    ["file://models\\model.onnx", "file:// paths use / as the separator, not \\"],
    ["file://.", "file:// must name a model file or folder, not the project folder itself"],
    ["file://a b.onnx", "the model source URI contains whitespace"],
    ["npm:fake-models", "npm:fake-models names no file or folder inside the package (write npm:fake-models/PATH)"],
    ["npm:Bad_Name/x.onnx", 'npm: must start with a package name, e.g. npm:PACKAGE/PATH or npm:@SCOPE/PACKAGE/PATH (got "Bad_Name")'],
    ["npm:pkg/../x.onnx", 'the path inside npm package pkg has a ".." segment'],
    ["s3://x/model.onnx", '"x" is not a valid S3 bucket name (write s3://BUCKET/PREFIX)'],
    ["s3://bucket/a//b", 'the S3 key "a//b" has an empty segment (//, or a leading or trailing /)'],
    ["s3://bucket/../b", 'the S3 key "../b" has a ".." segment'],
    ["http://example.com/model.onnx", "only https:// is allowed for downloads (http:// only on loopback)"],
    ["https://user:pw@example.com/model.onnx", "the URL must not carry a user name or password (they would end up in logs and lock files)"],
    ["https://example.com/models/", "the URL must end in a file name, e.g. https://example.com/models/model.onnx"],
    ["hf://", 'hf:// names a Hub repository as ORG/NAME or NAME, optionally @REVISION (got "")'],
    ["hf://a/b/c", 'hf:// names a Hub repository as ORG/NAME or NAME, optionally @REVISION (got "a/b/c")'],
    ["hf://org/na--me", '"na--me" is not a valid Hugging Face repository or organisation name (letters, digits, - _ . ; no -- or ..)'],
    ["hf://org/-name", '"-name" is not a valid Hugging Face repository or organisation name (letters, digits, - _ . ; no -- or ..)'],
    ["hf://org/name@", "nothing follows @ (write hf://ORG/NAME@REVISION with a branch, tag or commit)"],
    ["hf://org/name@../main", '"../main" is not a valid revision (a branch, tag or commit sha)'],
  ])("%j", (uri, problem) => {
    expect(checkModelUri(uri)).toBe(problem);
    expect(() => parseModelUri(uri)).toThrow(`invalid model source ${JSON.stringify(uri)}: ${problem}`);
  });

  test("parse errors are ModelSourceErrors with the invalid-uri code", () => {
    expect(() => parseModelUri("nope")).toThrow(expect.objectContaining({ name: "ModelSourceError", code: "invalid-uri" }));
  });
});
