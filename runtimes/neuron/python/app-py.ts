/**
 * app.py: the Neuron inference server (FastAPI on uvicorn) over the traced TorchScript
 * model, answering exactly the HTTP contract of the TypeScript server (runtimes/serve and
 * the TypeScript decoder): seed routes under /<name>/v1, Open Inference Protocol V2,
 * /metrics in Prometheus text (written here: no client library needed), the same error
 * shape, codes and JSON pointers. What it serves is described by api.json (generated from
 * the spec), so the program is the same for every project: the real file app.py beside this
 * module, checked by py_compile and pyflakes where it lives.
 */
import { readAsset } from "../../assets.js";

/** The text of app.py, behind a header line in Python comment syntax. */
export function appPy(header: string): string {
  return `# ${header}\n${readAsset(import.meta.url, "app.py")}`;
}
