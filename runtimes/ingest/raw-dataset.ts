/** The dataset name ingest publishes raw snapshots under; register refuses it as a name. */
export const RAW_DATASET = "raw";
