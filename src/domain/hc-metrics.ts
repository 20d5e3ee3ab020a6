// An account's checks in healthchecks' Prometheus format (its /projects/<uuid>/metrics/<key>),
// so dashboards and alert rules written for healthchecks work unchanged: the same names,
// labels and values, in the same order (without healthchecks' space after each comma in a
// label set, which some text-format parsers refuse). Pure: the scrape's time comes in as `now`.
import { apiStatus, uniqueKey, type StatusFields } from './api-shapes.js';

export interface MetricCheck extends StatusFields {
  uuid: string;
  name: string;
  tags: string[];
}

/**
 * A label value of the text format: backslash, double quote and line feed escaped, as the
 * format requires (check names come from crontab lines: anything can be in them).
 */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function gauge(name: string, help: string): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`;
}

export function hcMetricsText(checks: MetricCheck[], now: Date): string {
  const rows = checks.map((c) => ({
    labels: `{name="${escapeLabel(c.name)}",tags="${escapeLabel(c.tags.join(' '))}",unique_key="${uniqueKey(c.uuid)}"}`,
    status: apiStatus(c, now),
    started: c.startedAt !== null,
  }));
  const out: string[] = [];
  const perCheck = (name: string, help: string, value: (r: (typeof rows)[number]) => boolean) => {
    out.push(gauge(name, help));
    for (const r of rows) out.push(`${name}${r.labels} ${value(r) ? 1 : 0}\n`);
    out.push('\n');
  };
  // Late (in its grace period) counts as up, as in healthchecks: hc_check_grace tells them apart.
  perCheck(
    'hc_check_up',
    'Whether the check is currently up (1 for yes, 0 for no).',
    (r) => r.status !== 'down',
  );
  perCheck(
    'hc_check_started',
    'Whether the check is currently started (1 for yes, 0 for no).',
    (r) => r.started,
  );
  perCheck(
    'hc_check_grace',
    'Whether the check is currently in the grace period (1 for yes, 0 for no).',
    (r) => r.status === 'grace',
  );
  perCheck(
    'hc_check_paused',
    'Whether the check is currently paused (1 for yes, 0 for no).',
    (r) => r.status === 'paused',
  );
  const tags = new Set<string>();
  const downTags = new Set<string>();
  let down = 0;
  checks.forEach((c, i) => {
    for (const t of c.tags) tags.add(t);
    if (rows[i]!.status === 'down') {
      down++;
      for (const t of c.tags) downTags.add(t);
    }
  });
  out.push(gauge('hc_tag_up', 'Whether all checks with this tag are up (1 for yes, 0 for no).'));
  for (const t of [...tags].sort())
    out.push(`hc_tag_up{tag="${escapeLabel(t)}"} ${downTags.has(t) ? 0 : 1}\n`);
  out.push('\n');
  out.push(gauge('hc_checks_total', 'The total number of checks.'));
  out.push(`hc_checks_total ${checks.length}\n\n`);
  out.push(gauge('hc_checks_down_total', 'The number of checks currently down.'));
  out.push(`hc_checks_down_total ${down}\n`);
  return out.join('');
}
