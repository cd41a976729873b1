#!/usr/bin/env node
// Benchmark of listing a big project's versions (issue 11, `listModelVersions`): one file
// registry with a 10,000-version model, each round opening a fresh registry (no cache) and
// listing its versions — with this checkout's dist/ and, side by side in alternating rounds,
// with another build (`--against DIST`, e.g. a copy of dist/ built from the commit before).
// Also an S3 registry (s3rver on 127.0.0.1, --s3-versions N, default 300) counting requests.
// Medians over ROUNDS rounds; prints a table and writes bench/results/registry-list.json.
// Never a pass/fail gate.
//
//   npm run build && node bench/registry/list-versions.mjs [--against /tmp/dist-before] [--rounds N] [--versions N]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const argOf = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Math.max(3, Number(argOf("--rounds") ?? 5));
const VERSIONS = Number(argOf("--versions") ?? 10_000);
const S3_VERSIONS = Number(argOf("--s3-versions") ?? 300);
const builds = [["this checkout", path.join(REPO, "dist")]];
if (argOf("--against")) builds.push(["--against", path.resolve(argOf("--against"))]);
for (const [, dist] of builds) {
  if (!fs.existsSync(path.join(dist, "runtimes/registry/index.js"))) {
    console.error(`bench: no build at ${dist}; run \`npm run build\` first`);
    process.exit(2);
  }
}
const libs = await Promise.all(builds.map(async ([name, dist]) => ({ name, reg: await import(path.join(dist, "runtimes/registry/index.js")) })));
const { encodeCard } = await import(path.join(REPO, "dist/runtimes/registry/cards.js"));

const root = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-registry-list-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const card = { type: "trained", specHash: "b".repeat(64), params: { trainer: "mlp" }, metrics: { accuracy: 0.5 }, toolVersion: "0.1.0" };

/** Version 1 through the registry; the rest copied in the file layout (a real publish fsyncs, ~28 ms each). */
async function fill(dir, n) {
  const reg = libs[0].reg.openRegistry(`file://${dir}`);
  await reg.publishModel("big", "BIG", "TRAINED", { "model.onnx": new Uint8Array([1, 2, 3]) }, { ...card, project: "big" });
  const base = path.join(dir, "big", "models", "BIG-TRAINED");
  const first = JSON.parse(fs.readFileSync(path.join(base, "1", "card.json"), "utf8"));
  for (let v = 2; v <= n; v++) {
    fs.mkdirSync(path.join(base, String(v)));
    fs.writeFileSync(path.join(base, String(v), "model.onnx"), "abc");
    fs.writeFileSync(path.join(base, String(v), "card.json"), encodeCard({ ...first, id: `BIG-TRAINED-${v}` }));
  }
}

try {
  const fileRoot = path.join(root, "file");
  await fill(fileRoot, VERSIONS);
  const times = libs.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < libs.length; i++) {
      const reg = libs[i].reg.openRegistry(`file://${fileRoot}`);
      const t0 = performance.now();
      const listed = await reg.listModelVersions("big", "BIG", "TRAINED");
      times[i].push(performance.now() - t0);
      if (listed.length !== VERSIONS) throw new Error(`${libs[i].name} listed ${listed.length} versions, not ${VERSIONS}`);
    }
  }
  const rows = libs.map((l, i) => ({ name: `file, ${VERSIONS} versions, ${l.name}`, ms: Math.round(median(times[i]) * 10) / 10 }));

  // S3: the same listing, counting the requests each build sends.
  const S3rver = (await import("s3rver")).default;
  const s3dir = path.join(root, "s3");
  fs.mkdirSync(s3dir);
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: s3dir, configureBuckets: [{ name: "bench" }] });
  const { port } = await server.run();
  try {
    const endpoint = `http://127.0.0.1:${port}`;
    const env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_S3: endpoint };
    const s3 = libs[0].reg.openRegistry("s3://bench/mesh", { env });
    await s3.publishModel("big", "BIG", "TRAINED", { "model.onnx": new Uint8Array([1]) }, { ...card, project: "big" });
    const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
    for (let v = 2; v <= S3_VERSIONS; v++) {
      for (const [f, body] of [
        ["model.onnx", "a"],
        ["card.json", encodeCard({ ...card, project: "big", id: `BIG-TRAINED-${v}`, createdAt: new Date().toISOString(), files: {} })],
      ]) {
        await client.send(new PutObjectCommand({ Bucket: "bench", Key: `mesh/big/models/BIG-TRAINED/${v}/${f}`, Body: body }));
      }
    }
    const s3times = libs.map(() => []);
    const requests = libs.map(() => 0);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < libs.length; i++) {
        const reg = libs[i].reg.openRegistry("s3://bench/mesh", { env });
        let count = 0;
        const onRequest = () => count++;
        server.httpServer.on("request", onRequest);
        const t0 = performance.now();
        const listed = await reg.listModelVersions("big", "BIG", "TRAINED");
        s3times[i].push(performance.now() - t0);
        server.httpServer.off("request", onRequest);
        requests[i] = count;
        if (listed.length !== S3_VERSIONS) throw new Error(`${libs[i].name} listed ${listed.length} S3 versions, not ${S3_VERSIONS}`);
      }
    }
    libs.forEach((l, i) => rows.push({ name: `s3rver, ${S3_VERSIONS} versions, ${l.name} (${requests[i]} requests)`, ms: Math.round(median(s3times[i]) * 10) / 10 }));
  } finally {
    await server.close();
  }
  console.log(`registry version listing, ${ROUNDS} alternating rounds, medians, load ${os.loadavg()[0].toFixed(1)}`);
  console.log("| measure | ms |\n| --- | ---: |");
  for (const r of rows) console.log(`| ${r.name} | ${r.ms} |`);
  fs.mkdirSync(path.join(REPO, "bench/results"), { recursive: true });
  fs.writeFileSync(path.join(REPO, "bench/results/registry-list.json"), `${JSON.stringify({ rounds: ROUNDS, versions: VERSIONS, s3Versions: S3_VERSIONS, rows }, null, 2)}\n`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
