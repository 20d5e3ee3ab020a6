// The job form's script (no inline script under the CSP): shows only the inputs of the chosen
// schedule kind and action kind. Without it every part shows and the server reads the chosen
// ones. It toggles the `hidden` attribute only, never writes markup.
'use strict';

function chosen(form, name) {
  const checked = form.querySelector('input[name="' + name + '"]:checked');
  if (checked) return checked.value;
  const select = form.querySelector('select[name="' + name + '"]');
  return select ? select.value : '';
}

function update(form) {
  for (const part of form.querySelectorAll('[data-when]')) {
    const [name, values] = part.getAttribute('data-when').split('=');
    part.hidden = !values.split(' ').includes(chosen(form, name));
  }
}

for (const form of document.querySelectorAll('form.job-form')) {
  form.addEventListener('change', () => update(form));
  update(form);
}
