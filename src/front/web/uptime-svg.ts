// An uptime strip as inline SVG: one bar per bucket, coloured by its share of downtime. No
// style attributes (the CSP forbids inline style): classes, styled by app.css.
import { percent, type UptimeBucket } from '../../domain/uptime.js';
import { html, type Html } from './html.js';

const W = 6;
const GAP = 2;
const H = 28;

function level(b: UptimeBucket): string {
  if (b.knownMs === 0) return 'none';
  const down = b.downMs / b.knownMs;
  if (down === 0) return 'up';
  return down < 0.5 ? 'partial' : 'down';
}

/** Day buckets by date, shorter ones by date and time (UTC). */
function when(d: Date, span: number): string {
  const iso = d.toISOString();
  return span >= 86_400_000 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/**
 * `label` names the strip for screen readers. Runs of up (or unknown) buckets are drawn as
 * one bar per bucket but share one element with one title: a status page of 500 checks with
 * 90 bars each was 6.7 MB when every bar had its own.
 */
export function uptimeStrip(buckets: UptimeBucket[], label: string, wide = false): Html {
  const width = buckets.length * (W + GAP) - GAP;
  const parts: Html[] = [];
  for (let i = 0; i < buckets.length;) {
    const lv = level(buckets[i]!);
    let j = i + 1;
    if (lv === 'up' || lv === 'none') while (j < buckets.length && level(buckets[j]!) === lv) j++;
    const first = buckets[i]!;
    const last = buckets[j - 1]!;
    const span = first.end.getTime() - first.start.getTime();
    const range = `${when(first.start, span)} – ${when(last.end, span)}`;
    const ratio = lv === 'none' ? null : 1 - first.downMs / first.knownMs;
    const what = lv === 'none' ? 'no data' : lv === 'up' ? 'up' : `${percent(ratio)} up`;
    // A run is a path of bars (one "h" move per bar) so it stays one element.
    let d = '';
    for (let k = i; k < j; k++) d += `M${k * (W + GAP)} 0h${W}v${H}h-${W}z`;
    parts.push(html`<path class="u-${lv}" d="${d}"><title>${range}: ${what}</title></path>`);
    i = j;
  }
  // A wide strip stretches to its box (the status page's 90 days fill the card's width).
  const fit = wide ? html` preserveAspectRatio="none"` : '';
  return html`<svg class="uptime${wide ? ' wide' : ''}" viewBox="0 0 ${width} ${H}" width="${width}" height="${H}"${fit} role="img" aria-label="${label}">${parts}</svg>`;
}
