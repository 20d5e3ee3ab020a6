// Reading /metrics answers in tests through a Prometheus text-format parser, so a test fails
// on output a scraper would reject, not only on wrong numbers.
import assert from 'node:assert/strict';
import parsePrometheusTextFormat, {
  type MetricFamily,
  type Sample,
} from 'parse-prometheus-text-format';

export type Families = Map<string, MetricFamily>;

export function parseMetrics(text: string): Families {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/** The samples of `name` whose labels include `labels`. */
export function samples(families: Families, name: string, labels: Record<string, string> = {}) {
  const family = families.get(name);
  assert.ok(family, `no metric ${name}`);
  return family.metrics.filter((m: Sample) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
}

/** The value of the one sample of `name` with exactly these labels' values. */
export function value(families: Families, name: string, labels: Record<string, string> = {}) {
  const found = samples(families, name, labels);
  assert.equal(found.length, 1, `${name} ${JSON.stringify(labels)}: ${found.length} samples`);
  return Number(found[0]!.value ?? found[0]!.count);
}

/**
 * The value on the line `series` (name and label set, as written) of a raw answer. For
 * labelled histograms, which the parser folds into one unlabelled sample.
 */
export function rawValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  assert.ok(line, `no line ${series}`);
  return Number(line.slice(series.length + 1));
}
