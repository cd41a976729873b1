#!/usr/bin/env node
// Benchmark of `mesh registry ui` paging (issue 11): a file registry with one 10,000-version
// model and one 25-version model, the UI server on 127.0.0.1, and side by side in one run:
//   - the first page (25 rows) of the 10,000-version model, cold (version list not cached)
//   - the same page warm (the version list is cached for 3 s; only 25 cards are read)
//   - the last page (offset 9975) warm
//   - the first page of the 25-version model (the floor: same rows, small project)
//   - reading every card of the 10,000-version model (what an unpaged page would do;
//     `inspectRegistry`, as `mesh registry ls big` does)
// Medians over ROUNDS rounds. Prints a table and writes bench/results/registry-ui.json.
// Never a pass/fail gate.
//
//   npm run build && node bench/registry-ui/run.mjs [--rounds N] [--versions N]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = Math.max(3, arg("--rounds", 3));
const VERSIONS = arg("--versions", 10_000);
if (!fs.existsSync(path.join(REPO, "dist/runtimes/registry-ui/server.js"))) {
  console.error("bench: not built; run `npm run build` first");
  process.exit(2);
}
const { openRegistry } = await import(path.join(REPO, "dist/runtimes/registry/index.js"));
const { encodeCard } = await import(path.join(REPO, "dist/runtimes/registry/cards.js"));
const { inspectRegistry } = await import(path.join(REPO, "dist/runtimes/registry/inspect.js"));
const { startUiServer } = await import(path.join(REPO, "dist/runtimes/registry-ui/server.js"));

const root = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-registry-ui-"));
try {
  const reg = openRegistry(`file://${root}`);
  const card = { type: "trained", specHash: "b".repeat(64), params: { trainer: "mlp" }, metrics: { accuracy: 0.5 }, toolVersion: "0.1.0" };
  // Version 1 through the registry; the rest as copies in the file layout (a real publish fsyncs, ~28 ms each).
  for (const [project, key, n] of [
    ["big", "BIG", VERSIONS],
    ["small", "SMALL", 25],
  ]) {
    await reg.publishModel(project, key, "TRAINED", {}, { ...card, project });
    const first = JSON.parse(fs.readFileSync(path.join(root, project, "models", `${key}-TRAINED`, "1", "card.json"), "utf8"));
    for (let v = 2; v <= n; v++) {
      const dir = path.join(root, project, "models", `${key}-TRAINED`, String(v));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "card.json"), encodeCard({ ...first, id: `${key}-TRAINED-${v}`, metrics: { accuracy: (v % 100) / 100 } }));
    }
  }
  const timed = async (fn) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = { coldFirst: [], warmFirst: [], warmLast: [], small: [], everyCard: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const ui = await startUiServer(openRegistry(`file://${root}`), { host: "127.0.0.1", port: 0 });
    const get = async (p) => {
      const res = await fetch(`${ui.url}${p}`);
      const body = await res.json();
      if (!res.ok || body.rows.length !== 25) throw new Error(`unexpected answer for ${p}: ${res.status}`);
    };
    results.coldFirst.push(await timed(() => get("api/projects/big/models/BIG-TRAINED/versions?limit=25")));
    results.warmFirst.push(await timed(() => get("api/projects/big/models/BIG-TRAINED/versions?limit=25")));
    results.warmLast.push(await timed(() => get(`api/projects/big/models/BIG-TRAINED/versions?offset=${VERSIONS - 25}&limit=25`)));
    results.small.push(await timed(() => get("api/projects/small/models/SMALL-TRAINED/versions?limit=25")));
    await ui.close();
    results.everyCard.push(await timed(() => inspectRegistry(openRegistry(`file://${root}`), "big")));
  }
  const row = (name, key) => {
    const ms = median(results[key]);
    return { name, ms: Math.round(ms * 10) / 10, vsSmall: Math.round((ms / median(results.small)) * 10) / 10 };
  };
  const table = [
    row(`first page of ${VERSIONS} versions, cold`, "coldFirst"),
    row(`first page of ${VERSIONS} versions, warm`, "warmFirst"),
    row(`last page of ${VERSIONS} versions, warm`, "warmLast"),
    row("first page of 25 versions (cold)", "small"),
    row(`every card of ${VERSIONS} versions (unpaged)`, "everyCard"),
  ];
  console.log(`registry ui paging, ${ROUNDS} rounds, medians, load ${os.loadavg()[0].toFixed(1)}`);
  console.log("| measure | ms | × small project page |\n| --- | ---: | ---: |");
  for (const t of table) console.log(`| ${t.name} | ${t.ms} | ${t.vsSmall} |`);
  fs.mkdirSync(path.join(REPO, "bench/results"), { recursive: true });
  fs.writeFileSync(path.join(REPO, "bench/results/registry-ui.json"), `${JSON.stringify({ rounds: ROUNDS, versions: VERSIONS, table, raw: results }, null, 2)}\n`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
