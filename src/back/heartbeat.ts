import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { forgetOldInstances, recordHeartbeat } from '../db/back-instances.js';
import type { BackDeps } from './deps.js';
import type { Loop } from './loops.js';

const DAY_MS = 86_400_000;

/** Records this instance as alive every few seconds, so /healthz can tell when no back runs. */
export function instanceId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export async function startHeartbeat(deps: BackDeps, id: string): Promise<Loop> {
  const instance = {
    id,
    hostname: os.hostname(),
    pid: process.pid,
    startedAt: deps.clock(),
  };
  const beat = async () => {
    try {
      const now = deps.clock();
      await recordHeartbeat(deps.pool, instance, now);
      await forgetOldInstances(deps.pool, new Date(now.getTime() - DAY_MS));
    } catch (err) {
      deps.logger.warn({ err }, 'heartbeat failed');
    }
  };
  await beat();
  const timer = setInterval(() => void beat(), deps.config.back.heartbeatMs);
  return {
    wake: () => void beat(),
    stop: async () => clearInterval(timer),
  };
}
