/** The mesh version, recorded in generated files' labels and model cards. Keep in step with package.json. */
export const MESH_VERSION = "0.1.0";
