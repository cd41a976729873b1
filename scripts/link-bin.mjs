// Run by `npm ci` (the prepare script): links node_modules/.bin/mesh to this repository's
// bin/mesh.js. npm links the bins of dependencies, never a package's own, so without this
// `npm exec mesh` and make recipes using node_modules/.bin would not find the CLI. An
// existing entry that is not our link is left alone (and reported).
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(process.argv[2] ?? join(import.meta.dirname, ".."));
const binDir = join(root, "node_modules", ".bin");
const link = join(binDir, "mesh");
const target = "../../bin/mesh.js";
if (!existsSync(join(root, "node_modules"))) process.exit(0);
mkdirSync(binDir, { recursive: true });
let present;
try {
  present = lstatSync(link);
} catch {
  present = undefined;
}
if (!present) symlinkSync(target, link);
else if (!present.isSymbolicLink() || readlinkSync(link) !== target) console.error(`link-bin: ${link} exists and is not mesh's link; left as is`);
