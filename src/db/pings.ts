import type { Queryable } from './pool.js';

export interface NewPing {
  checkId: number;
  at: Date;
  kind: 'success' | 'start' | 'fail' | 'log' | 'exitcode';
  address: string | null;
  method: string;
  userAgent: string | null;
}

export async function insertPing(db: Queryable, p: NewPing): Promise<void> {
  await db.query(
    `INSERT INTO pings (check_id, created_at, kind, address, method, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [p.checkId, p.at, p.kind, p.address, p.method, p.userAgent],
  );
}
