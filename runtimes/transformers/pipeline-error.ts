/**
 * What a transformer pipeline answers instead of a result: an HTTP status, the error code
 * of the CONTRACTS shape and, for client mistakes, the JSON pointer of the offending value.
 */
export class PipelineError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly pointer?: string,
  ) {
    super(detail);
  }
}
