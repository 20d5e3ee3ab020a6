// Where the helpers' cleanups go: node:test's after() in tests; a list that the caller runs
// itself in the chaos scripts (scripts/chaos), which are no test files: after() there would
// start a test run and print TAP around the scenario's figures.
import { after } from 'node:test';

let manual: (() => unknown)[] | undefined;

/** Registers fn to run after the current test (or file), or at runCleanups() in a script. */
export function cleanup(fn: () => unknown): void {
  if (manual) manual.push(fn);
  else after(fn);
}

/** From now on, cleanups wait for runCleanups() instead of node:test. */
export function manualCleanup(): void {
  manual ??= [];
}

/** Runs the cleanups registered since manualCleanup(), newest first. */
export async function runCleanups(): Promise<void> {
  while (manual && manual.length > 0) {
    const fn = manual.pop()!;
    try {
      await fn();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}
