// What `cronwatch summary` and the weekly report say. Pure: rows in, text out.
import type { AlertText } from './alert.js';

export interface MissedJob {
  name: string;
  account: string;
  missedSince: Date | null;
  lastPingAt: Date | null;
  /** Expected every this many seconds (simple schedules). */
  period: number | null;
}

/**
 * COMPAT item 15, byte for byte: gocron built this string and printed it with Go's
 * fmt.Println, which adds one more newline.
 */
export function gocronSummary(jobs: MissedJob[]): string {
  let message = 'gocron summary - missed jobs:\n';
  for (const j of jobs) message += `Name: ${j.name}| Account: ${j.account}\n`;
  return message + '\n';
}

export function summaryJson(jobs: MissedJob[], now: Date) {
  return {
    generated_at: now.toISOString(),
    count: jobs.length,
    missed: jobs.map((j) => ({
      name: j.name,
      account: j.account,
      missed_since: j.missedSince?.toISOString() ?? null,
      last_ping_at: j.lastPingAt?.toISOString() ?? null,
      period: j.period,
    })),
  };
}

/** "90 s", "5 min", "2 h", "1 d 6 h": short enough for a table column. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  // Round to hours before splitting off the days: 9 d 23.9 h is "10 d", not "9 d 24 h".
  const hours = Math.round(s / 3600);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? `${d} d ${h} h` : `${d} d`;
}

function ago(at: Date | null, now: Date): string {
  if (!at) return 'never';
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} (${duration((now.getTime() - at.getTime()) / 1000)} ago)`;
}

/** A plain-text table; `color` adds ANSI red to the names (for terminals only). */
export function summaryTable(jobs: MissedJob[], now: Date, color: boolean): string {
  if (jobs.length === 0) return 'No missed jobs.\n';
  const header = ['NAME', 'ACCOUNT', 'MISSED SINCE', 'LAST CHECK-IN', 'EXPECTED EVERY'];
  const rows = jobs.map((j) => [
    j.name,
    j.account,
    ago(j.missedSince, now),
    ago(j.lastPingAt, now),
    j.period ? duration(j.period) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], paint = false) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i]!);
        return paint && i === 0 ? `\x1b[31m${padded}\x1b[0m` : padded;
      })
      .join('  ')
      .trimEnd();
  const out = [line(header), ...rows.map((r) => line(r, color))];
  out.push('', `${jobs.length} missed job${jobs.length === 1 ? '' : 's'}`);
  return out.join('\n') + '\n';
}

export interface FlipPoint {
  at: Date;
  to: string;
}

/** Milliseconds spent down within [start, end), from the status at start and the flips after. */
export function downtimeMs(
  statusAtStart: string | null,
  flips: FlipPoint[],
  start: Date,
  end: Date,
): number {
  let total = 0;
  let downSince = statusAtStart === 'down' ? start.getTime() : undefined;
  for (const f of flips) {
    const t = Math.min(Math.max(f.at.getTime(), start.getTime()), end.getTime());
    if (f.to === 'down' && downSince === undefined) downSince = t;
    else if (f.to !== 'down' && downSince !== undefined) {
      total += t - downSince;
      downSince = undefined;
    }
  }
  if (downSince !== undefined) total += end.getTime() - downSince;
  return total;
}

export interface JobWeek {
  name: string;
  account: string;
  misses: number;
  downtimeMs: number;
}

export function weeklyReport(
  missed: MissedJob[],
  weeks: JobWeek[],
  start: Date,
  end: Date,
): AlertText {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const lines = [`cronwatch weekly report, ${day(start)} to ${day(end)}`, ''];
  lines.push(`Missed now: ${missed.length}`);
  for (const j of missed)
    lines.push(
      `  ${j.name} (${j.account}), missed since ${j.missedSince?.toISOString() ?? 'unknown'}`,
    );
  lines.push('');
  const troubled = weeks.filter((w) => w.misses > 0 || w.downtimeMs > 0);
  if (troubled.length === 0) {
    lines.push('No job missed a check-in this week.');
  } else {
    lines.push('Past 7 days (misses, downtime):');
    for (const w of troubled) {
      lines.push(
        `  ${w.name} (${w.account}): ${w.misses} miss${w.misses === 1 ? '' : 'es'}, down ${duration(w.downtimeMs / 1000)}`,
      );
    }
  }
  return {
    subject: `cronwatch weekly report: ${missed.length} missed now, ${troubled.length} with misses this week`,
    body: lines.join('\n'),
  };
}
