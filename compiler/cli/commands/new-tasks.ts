/**
 * The tasks `mesh new` scaffolds. Kept apart from the scaffold itself so registering the
 * command (on every CLI start) loads no zod: `mesh --help` stays fast.
 */
export type NewTask = "text-classification" | "tabular-classification";
export const NEW_TASKS: readonly NewTask[] = ["text-classification", "tabular-classification"];
