/** Every CLI command, one module each. Adding a command = one module + one line here. */
import type { Command } from "commander";
import { register as generate } from "./generate.js";

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  generate,
];
