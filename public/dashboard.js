// The dashboard's only script (the CSP allows no inline script): keeps relative times
// current, refreshes the statuses of the listed checks every 15 s without a reload, copies
// ping URLs, and asks before a delete. It writes text only (textContent), never markup.
'use strict';

const REFRESH_MS = 15000;

function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 120) return s + ' s';
  if (s < 7200) return Math.round(s / 60) + ' min';
  if (s < 172800) return Math.round(s / 3600) + ' h';
  const hours = Math.round(s / 3600);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? d + ' d ' + h + ' h' : d + ' d';
}

// The same words as src/domain/describe.ts `relative`.
function relative(at, now) {
  const s = (at - now) / 1000;
  if (Math.abs(s) < 5) return 'just now';
  return s < 0 ? duration(-s) + ' ago' : 'in ' + duration(s);
}

function absolute(iso) {
  return iso.slice(0, 19).replace('T', ' ') + ' UTC';
}

function timeElement(iso) {
  const t = document.createElement('time');
  t.dateTime = iso;
  t.title = absolute(iso);
  t.textContent = relative(Date.parse(iso), Date.now());
  return t;
}

function muted(text) {
  const span = document.createElement('span');
  span.className = 'muted';
  span.textContent = text;
  return span;
}

function refreshTimes() {
  const now = Date.now();
  for (const t of document.querySelectorAll('time[datetime]')) {
    t.textContent = relative(Date.parse(t.dateTime), now);
  }
}

const NOTHING_EXPECTED = { new: 'after its first ping', paused: 'paused', down: 'overdue' };

function nextCell(check) {
  if (check.runningSince) return ['running since ', timeElement(check.runningSince)];
  if (check.nextPing && check.status === 'grace') return ['was due ', timeElement(check.nextPing)];
  if (check.nextPing) return [timeElement(check.nextPing)];
  return [muted(NOTHING_EXPECTED[check.status] || '–')];
}

function updateRow(row, check) {
  row.className = 'check st-' + check.status;
  const dot = row.querySelector('.status .dot');
  if (dot) {
    dot.className = 'dot st-' + check.status;
    dot.title = check.label;
  }
  const label = row.querySelector('.status .label');
  if (label) label.textContent = check.label;
  const last = row.querySelector('td.last');
  if (last) last.replaceChildren(check.lastPing ? timeElement(check.lastPing) : muted('never'));
  const next = row.querySelector('td.next');
  if (next) next.replaceChildren(...nextCell(check));
  const dur = row.querySelector('td.duration');
  if (dur) dur.replaceChildren(check.lastDuration ? check.lastDuration : muted('–'));
}

function startRefresh(table) {
  const url = table.dataset.refresh;
  const timer = setInterval(async () => {
    let answer;
    try {
      answer = await fetch(url, {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
    } catch {
      return; // offline for a moment: try again at the next tick
    }
    if (!answer.ok || answer.redirected) {
      // Signed out or the session expired: stop polling rather than load the sign-in form.
      clearInterval(timer);
      return;
    }
    const data = await answer.json();
    const byUuid = new Map(data.checks.map((c) => [c.uuid, c]));
    for (const row of table.querySelectorAll('tr[data-uuid]')) {
      const check = byUuid.get(row.dataset.uuid);
      if (check) updateRow(row, check);
    }
    let all = 0;
    for (const [status, n] of Object.entries(data.counts)) {
      all += n;
      const b = document.querySelector('a[data-count="' + status + '"] b');
      if (b) b.textContent = String(n);
    }
    const allCount = document.querySelector('a[data-count="all"] b');
    if (allCount) allCount.textContent = String(all);
    document.body.dataset.refreshed = data.now;
  }, REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  setInterval(refreshTimes, REFRESH_MS);
  const table = document.querySelector('table.checks[data-refresh]');
  if (table) startRefresh(table);
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.addEventListener('click', async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source) return;
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = 'Copied';
      } catch {
        // No clipboard (plain http, or denied): select the text for Ctrl-C instead.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = 'Press Ctrl-C';
      }
    });
  }
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
});
