// The one usage error of every command. A file of its own so that `exec`, which must start
// fast and load no database code, can throw it without importing runtime.ts.

/** A mistake in how a command was called: exit code 2 and the message, nothing done. */
export class UsageError extends Error {}
