/**
 * Folder names under the output root that mesh writes for the whole workspace (`out/ci/`, the
 * CI workflow): no project may take one as its name. Dependency-free, so the generate fast
 * path can read it without loading zod.
 */
export const RESERVED_PROJECT_NAMES = ["ci"] as const;
export type WorkspaceFolder = (typeof RESERVED_PROJECT_NAMES)[number];
