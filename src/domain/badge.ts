// Status badges (README "Badges"), as healthchecks: a badge reports all the account's checks
// ("*"), those with one tag, or one check, as up, late or down; in SVG, JSON or shields.io's
// endpoint format. Pure: the front finds the checks, this decides and renders.
import { randomBytes } from 'node:crypto';
import type { ApiStatus } from './api-shapes.js';

export type BadgeStatus = 'up' | 'late' | 'down';
export type BadgeFormat = 'svg' | 'json' | 'shields';
/** 2: up or down (late counts as up, healthchecks' default URLs); 3: up, late or down. */
export type BadgeStates = 2 | 3;

export const BADGE_FORMATS: readonly BadgeFormat[] = ['svg', 'json', 'shields'];
/** The label of the badge of all checks (healthchecks shows its site name). */
export const ALL_LABEL = 'cronwatch';

/** 16 random bytes, base64url: always 22 characters of [A-Za-z0-9_-]. */
export function newBadgeKey(): string {
  return randomBytes(16).toString('base64url');
}

const KEY_SEGMENT = /^([A-Za-z0-9_-]{22})(?:-([23]))?$/;

/**
 * The key segment of a badge URL: the key, then healthchecks' `-2` for two states; `-3` or
 * nothing: three. undefined when it cannot be a key.
 */
export function parseKeySegment(segment: string): { key: string; states: BadgeStates } | undefined {
  const m = KEY_SEGMENT.exec(segment);
  if (!m) return undefined;
  return { key: m[1]!, states: m[2] === '2' ? 2 : 3 };
}

/** "<name>.<fmt>" → its parts; undefined for an unknown format or an empty name. */
export function splitFormat(file: string): { name: string; fmt: BadgeFormat } | undefined {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const fmt = file.slice(dot + 1);
  if (!(BADGE_FORMATS as readonly string[]).includes(fmt)) return undefined;
  return { name: file.slice(0, dot), fmt: fmt as BadgeFormat };
}

export interface BadgeSummary {
  status: BadgeStatus;
  total: number;
  grace: number;
  down: number;
}

/**
 * healthchecks' aggregation: down if any check is down; otherwise late if any is in its
 * grace period (three states only); otherwise up. new and paused checks count as up.
 */
export function summarize(statuses: readonly ApiStatus[], states: BadgeStates): BadgeSummary {
  let status: BadgeStatus = 'up';
  let grace = 0;
  let down = 0;
  for (const s of statuses) {
    if (s === 'down') {
      down += 1;
      status = 'down';
    } else if (s === 'grace') {
      grace += 1;
      if (status === 'up' && states === 3) status = 'late';
    }
  }
  return { status, total: statuses.length, grace, down };
}

const COLORS: Record<BadgeStatus, string> = { up: '#4c1', late: '#fe7d37', down: '#e05d44' };
const SHIELDS_COLORS: Record<BadgeStatus, string> = {
  up: 'success',
  late: 'important',
  down: 'critical',
};

/** shields.io's endpoint badge (https://shields.io/endpoint). */
export function shieldsJson(label: string, status: BadgeStatus): Record<string, unknown> {
  return { schemaVersion: 1, label, message: status, color: SHIELDS_COLORS[status] };
}

/** Text and attribute values of an XML document: every markup character escaped. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Roughly Verdana 11px: narrow letters ~4px, wide ~10px, others ~7px. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    if (/[iljtfI.,:;!|' ]/.test(ch)) w += 4;
    else if (/[mwMW@%]/.test(ch)) w += 10;
    else w += 7;
  }
  return w;
}

/** Labels longer than this are cut (with "…"): a badge is a glance, not a page. */
const MAX_LABEL = 64;

/** A flat two-part badge: the label on grey, the status on its colour. */
export function badgeSvg(label: string, status: BadgeStatus): string {
  const chars = [...label];
  const shown = chars.length > MAX_LABEL ? `${chars.slice(0, MAX_LABEL - 1).join('')}…` : label;
  const left = textWidth(shown) + 12;
  const right = textWidth(status) + 12;
  const total = left + right;
  const l = escapeXml(shown);
  const aria = escapeXml(`${shown}: ${status}`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${aria}">
<title>${aria}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${COLORS[status]}"/><rect width="${total}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${left / 2}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${left / 2}" y="14">${l}</text>
<text x="${left + right / 2}" y="15" fill="#010101" fill-opacity=".3">${status}</text><text x="${left + right / 2}" y="14">${status}</text>
</g>
</svg>
`;
}

export type BadgeUrls = Record<`${BadgeFormat}${'' | '3'}`, string>;

/**
 * healthchecks' GET /api/v3/badges/ entry of a tag ("*": all checks): the plain URLs report
 * two states, the ones suffixed 3 report three.
 */
export function badgeUrls(baseUrl: string, key: string, tag: string): BadgeUrls {
  const url = (states: BadgeStates, fmt: BadgeFormat) => {
    const seg = states === 2 ? `${key}-2` : key;
    return tag === '*'
      ? `${baseUrl}/badge/${seg}.${fmt}`
      : `${baseUrl}/badge/${seg}/${encodeURIComponent(tag)}.${fmt}`;
  };
  return {
    svg: url(2, 'svg'),
    svg3: url(3, 'svg'),
    json: url(2, 'json'),
    json3: url(3, 'json'),
    shields: url(2, 'shields'),
    shields3: url(3, 'shields'),
  };
}
