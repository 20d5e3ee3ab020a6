// The ceiling a durable check-in can reach on this machine, for bench-ping: a node:http
// server that answers "OK" only after a durable commit that carries no data, group-committed
// as the front's check-ins are (one flush in flight, everything that queued meanwhile in the
// next). Issue 14 measured this limit at 19,000-25,000/s while a bare node:http server did
// 23,000-37,000/s: a ratio to bare alone cannot tell the front's cost from the commit's.
//
//   node --import tsx scripts/bench-limit-server.ts <port> <database url>
import http from 'node:http';
import { createPool } from '../src/db/pool.js';
import { GroupCommit } from '../src/front/group-commit.js';

const [port, url] = process.argv.slice(2);
if (!port || !url) throw new Error('usage: bench-limit-server.ts <port> <database url>');
const pool = createPool(url, 1, () => undefined);
// txid_current() gives the transaction an id, so its commit writes a commit record and waits
// for the WAL flush (synchronous_commit), as a check-in's commit does; a bare SELECT 1 would
// not touch the disk at all.
const commits = new GroupCommit<null, null>(async (items) => {
  try {
    await pool.query('SELECT txid_current()');
    return items.map(() => ({ ok: true as const, value: null }));
  } catch (error) {
    return items.map(() => ({ ok: false as const, error }));
  }
}, 1000);

http
  .createServer((req, res) => {
    req.resume();
    commits.submit(null).then(
      () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('OK');
      },
      () => {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('database unavailable');
      },
    );
  })
  .listen(Number(port), '127.0.0.1');
