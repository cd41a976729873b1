/**
 * Canonical JSON (keys sorted at every depth; two-space indentation and a trailing newline
 * when pretty) and sha256, for every JSON file and hash the generators write. One
 * implementation, owned by the runtimes (which ship in images without the compiler).
 */
export { canonicalJson, sha256Hex } from "../../runtimes/support/canonical-json.js";
