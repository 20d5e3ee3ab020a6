// The check form's schedule in words while it is typed. The words come from the server
// (GET /dashboard/describe.json, the same describe rule as the list and the check page),
// so this file has no copy of cron parsing. Shows only the fields of the chosen schedule
// kind. Text only (textContent), never markup; no inline script (CSP).
'use strict';

const DELAY_MS = 200;

document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form[data-describe]');
  if (!form) return;
  const output = document.getElementById('schedule-words');
  const kindOf = () => {
    const checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : 'period';
  };
  const value = (name) => (form.elements.namedItem(name) || { value: '' }).value;
  let timer;
  let asked = 0;

  async function describe() {
    const n = ++asked;
    const params = new URLSearchParams({ kind: kindOf(), timeout: value('timeout') });
    if (kindOf() === 'cron') {
      params.set('schedule', value('schedule'));
      params.set('tz', value('tz'));
    }
    let data;
    try {
      const answer = await fetch(form.dataset.describe + '?' + params.toString(), {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
      if (!answer.ok || answer.redirected) return;
      data = await answer.json();
    } catch {
      return; // offline for a moment: the server checks the form anyway
    }
    if (n !== asked) return; // an older answer arriving after a newer one
    output.textContent = data.words || data.error || '';
    output.className = data.error ? 'bad' : '';
  }

  function showKind() {
    form.dataset.mode = kindOf();
  }

  form.addEventListener('input', (event) => {
    const name = event.target.name;
    if (name === 'kind') showKind();
    if (['kind', 'timeout', 'schedule', 'tz'].includes(name)) {
      clearTimeout(timer);
      timer = setTimeout(describe, DELAY_MS);
    }
  });
  showKind();
});
