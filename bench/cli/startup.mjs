// How long `mesh --help` takes to start, by the ways a user can start it, side by side in one
// run (interleaved rounds, median per way; the machine is shared and noisy, so compare ratios):
//   node bin/mesh.js · ./mesh (the repo's wrapper) · node_modules/.bin/mesh (the link `npm ci`
//   creates; made here in a temp folder when absent) · a make recipe calling mesh · npx mesh ·
//   npm exec -- mesh. Run: node bench/cli/startup.mjs [rounds=5]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadavg } from "node:os";

const ROOT = resolve(import.meta.dirname, "../..");
const ROUNDS = Number(process.argv[2] ?? 5);
const tmp = join(ROOT, ".bench-tmp", `cli-${process.pid}`);
mkdirSync(join(tmp, "node_modules/.bin"), { recursive: true });
let binLink = join(ROOT, "node_modules/.bin/mesh");
if (!existsSync(binLink)) {
  binLink = join(tmp, "node_modules/.bin/mesh");
  symlinkSync(join(ROOT, "bin/mesh.js"), binLink);
}
writeFileSync(join(tmp, "Makefile"), `help:\n\t@node ${JSON.stringify(join(ROOT, "bin/mesh.js")).slice(1, -1)} --help >/dev/null\n`);

const ways = {
  "node bin/mesh.js --help": ["node", ["bin/mesh.js", "--help"]],
  "./mesh --help": ["./mesh", ["--help"]],
  "node_modules/.bin/mesh --help": [binLink, ["--help"]],
  "make (recipe runs node bin/mesh.js)": ["make", ["-s", "-C", tmp, "help"]],
  "npx mesh --help": ["npx", ["mesh", "--help"]],
  "npm exec -- mesh --help": ["npm", ["exec", "--", "mesh", "--help"]],
};
const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, [cmd, args]] of Object.entries(ways)) {
    const t0 = performance.now();
    execFileSync(cmd, args, { cwd: ROOT, stdio: "ignore" });
    times[name].push(performance.now() - t0);
  }
}
rmSync(tmp, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times["node bin/mesh.js --help"]);
console.log(`mesh start-up, median of ${ROUNDS} interleaved rounds (load average ${loadavg()[0].toFixed(2)}):`);
for (const [name, xs] of Object.entries(times)) console.log(`  ${name.padEnd(40)} ${median(xs).toFixed(0).padStart(6)} ms  ×${(median(xs) / base).toFixed(2)}`);
