import type { Runtime } from './runtime.js';

export interface Back {
  stop(): Promise<void>;
}

/** The back role: sweep and dispatch loops (issue #3). Nothing to run yet. */
export async function startBack(rt: Runtime): Promise<Back> {
  rt.logger.info('back role started (no sweeper yet)');
  return { stop: async () => undefined };
}
