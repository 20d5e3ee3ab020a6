import pg from 'pg';
import { clientFor, type DatabaseTarget } from './pool.js';

export interface Listener {
  close(): Promise<void>;
}

const RECONNECT_MS = 1000;

/**
 * LISTEN on a dedicated connection; calls onNotify for each NOTIFY on `channel`. Reconnects
 * after a lost connection (the loops' sleep bound covers the gap meanwhile), to wherever
 * `target` says the database is then (an embedded server restarted on another port).
 */
export function listen(
  target: DatabaseTarget,
  channel: string,
  onNotify: () => void,
  onError: (err: Error) => void,
): Listener {
  const Client = clientFor(target);
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  // One retry per lost connection: a failed connect emits 'error' and rejects too, and two
  // timers per loss used to double the connections at every database restart.
  const dead = new WeakSet<pg.Client>();
  const lost = (c: pg.Client, err: Error) => {
    if (closed || dead.has(c)) return;
    dead.add(c);
    if (client === c) client = undefined;
    onError(err);
    c.end().catch(() => undefined);
    if (!closed && !retry) {
      retry = setTimeout(() => {
        retry = undefined;
        void connect();
      }, RECONNECT_MS);
    }
  };
  const connect = async () => {
    const c = new Client({ application_name: 'cronwatch-listen' });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel === channel) onNotify();
    });
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('LISTEN connection ended')));
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (closed) await c.end();
      // Work may have been written while we were not listening.
      else onNotify();
    } catch (err) {
      lost(c, err as Error);
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
