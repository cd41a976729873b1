/** The alias contract against the file backend, in a temp folder. */
import { afterAll, describe } from "vitest";
import { aliasContract } from "../../support/registry/alias-contract.js";
import { fileBackend } from "../../support/registry/backends.js";

const backend = fileBackend();
afterAll(() => backend.cleanup());
describe("file:// registry", () => aliasContract(() => backend));
