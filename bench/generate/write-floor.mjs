#!/usr/bin/env node
// The floor under a cold `mesh generate`: the same files and folders written with plain node:fs
// (mkdir, writeFileSync with the same bytes and modes), nothing else. Reads the tree of SOURCE
// into memory first, then writes it below TARGET and prints {ms, user, sys} of the writing alone.
//
//   node bench/generate/write-floor.mjs SOURCE TARGET
import * as fs from "node:fs";
import * as path from "node:path";

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error("usage: write-floor.mjs SOURCE TARGET");
  process.exit(2);
}
const dirs = [];
const files = [];
const walk = (rel) => {
  for (const e of fs.readdirSync(path.join(source, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) {
      dirs.push(r);
      walk(r);
    } else if (e.isFile()) files.push({ rel: r, bytes: fs.readFileSync(path.join(source, r)), mode: fs.statSync(path.join(source, r)).mode & 0o777 });
  }
};
walk("");
const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
fs.mkdirSync(target, { recursive: true });
for (const d of dirs) fs.mkdirSync(path.join(target, d));
for (const f of files) fs.writeFileSync(path.join(target, f.rel), f.bytes, { mode: f.mode });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ ms, user: cpu.user / 1000, sys: cpu.system / 1000, files: files.length, dirs: dirs.length }));
