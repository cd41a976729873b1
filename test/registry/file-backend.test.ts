/** The registry contract against the file backend, in a temp folder. */
import { describe } from "vitest";
import { registryContract } from "./contract.js";
import { fileBackend } from "./support/backends.js";

const backend = fileBackend();
describe("file:// registry", () => registryContract(() => backend));
