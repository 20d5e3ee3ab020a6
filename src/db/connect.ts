import path from 'node:path';
import { redact } from '../config.js';
import { openEmbedded, type EmbeddedOptions } from './embedded.js';

export interface Database {
  /** The database's URL now; read it again for every new connection. */
  readonly url: string;
  /** Where the data lives, for log lines (never the password). */
  describe: string;
  /** Leaves the embedded server (the last cronwatch process using it stops it); otherwise nothing. */
  stop(): Promise<void>;
}

/** DATABASE_URL when set, else the embedded server of dataDir (found running, or started). */
export async function openDatabase(opts: {
  databaseUrl: string | undefined;
  dataDir: string;
  onHeal?: EmbeddedOptions['onHeal'];
}): Promise<Database> {
  if (opts.databaseUrl) {
    return {
      url: opts.databaseUrl,
      describe: redact(opts.databaseUrl),
      stop: async () => undefined,
    };
  }
  const server = await openEmbedded(opts.dataDir, { onHeal: opts.onHeal });
  return {
    // The server of now: a restarted embedded server may listen on another port.
    get url() {
      return server.url;
    },
    describe: [
      `embedded PostgreSQL in ${server.cluster}`,
      server.cluster.startsWith(path.resolve(opts.dataDir) + path.sep)
        ? ''
        : ` (kept outside ${opts.dataDir}: the postgres user cannot enter it)`,
      server.owned ? '' : ' (already running)',
    ].join(''),
    stop: server.stop,
  };
}
