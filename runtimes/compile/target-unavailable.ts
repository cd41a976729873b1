/** A compile target that cannot run on this machine (its hardware or toolchain is elsewhere): the step skips it instead of failing. */
export class TargetUnavailableError extends Error {}
