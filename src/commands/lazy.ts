/** The action `name` of the module `load` imports, loaded on first call: a command's code
 * is imported when that command runs, not at every start of the CLI. */
export function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  return async (...args: unknown[]): Promise<void> => {
    const action = (await load())[name] as (...a: unknown[]) => unknown;
    await action(...args);
  };
}
