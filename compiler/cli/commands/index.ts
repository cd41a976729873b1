/** Every CLI command, one module each. Adding a command = one module + one line here. */
import type { Command } from "commander";

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
];
