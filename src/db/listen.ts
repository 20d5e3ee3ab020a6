import pg from 'pg';

export interface Listener {
  close(): Promise<void>;
}

/**
 * LISTEN on a dedicated connection; calls onNotify for each NOTIFY on `channel`. Reconnects
 * after a lost connection (the loops' sleep bound covers the gap meanwhile).
 */
export function listen(
  url: string,
  channel: string,
  onNotify: () => void,
  onError: (err: Error) => void,
): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString: url, application_name: 'cronwatch-listen' });
    c.on('notification', (msg) => {
      if (msg.channel === channel) onNotify();
    });
    c.on('error', (err) => {
      onError(err);
      c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      client = c;
      if (closed) await c.end();
      // Work may have been written while we were not listening.
      onNotify();
    } catch (err) {
      onError(err as Error);
      c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000);
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
