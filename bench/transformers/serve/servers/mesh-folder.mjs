// mesh's generated server for a model folder it was not generated for: the generated
// definition of BENCH_PROJECT (out/<project>/serve/definition.js: decoder, task settings,
// OpenAPI) and its main.js's spec defaults, with the labels of the served folder's config.json
// and BENCH_MAX_LENGTH tokens, run by the same runMain the generated main.js calls. Used for
// the BERT-base-sized folder, which has no project of its own (it is never committed).
//
//   BENCH_PROJECT (default sentiment), BENCH_MAX_LENGTH, MESH_MODEL_PATH and the usual MESH_* variables
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runMain } from "mesh/runtimes/serve/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const project = process.env.BENCH_PROJECT ?? "sentiment";
const serve = process.env.BENCH_GENERATED ?? join(ROOT, "out", project, "serve");
const { definition } = await import(pathToFileURL(join(serve, "definition.js")).href);
const literal = /const defaults = (\{[\s\S]*?\});/.exec(readFileSync(join(serve, "main.js"), "utf8"))?.[1];
if (!literal) throw new Error(`no defaults in ${serve}/main.js`);
const defaults = new Function(`return ${literal}`)();
const modelPath = process.env.MESH_MODEL_PATH ?? "";
const folder = statSync(modelPath).isDirectory() ? modelPath : dirname(modelPath);
const id2label = JSON.parse(readFileSync(join(folder, "config.json"), "utf8")).id2label;
const labels = Object.keys(id2label)
  .sort((a, b) => a - b)
  .map((k) => id2label[k]);
const maxLength = Number(process.env.BENCH_MAX_LENGTH ?? definition.transformer.maxLength);
await runMain({ ...definition, labels, transformer: { ...definition.transformer, maxLength } }, defaults);
