// How list commands print --json: one JSON object per line, for `jq` and line-based tools.
export function writeJsonLines<T>(rows: readonly T[], shape: (row: T) => object): void {
  for (const row of rows) process.stdout.write(JSON.stringify(shape(row)) + '\n');
}
