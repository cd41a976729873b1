/** The alias contract against the file backend, in a temp folder. */
import { afterAll, describe } from "vitest";
import { aliasContract } from "./alias-contract.js";
import { fileBackend } from "./support/backends.js";

const backend = fileBackend();
afterAll(() => backend.cleanup());
describe("file:// registry", () => aliasContract(() => backend));
