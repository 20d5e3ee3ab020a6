// What the dashboard's forms share: a labelled field with its error beside it, and where an
// API message belongs. The forms write through the API's own validation, whose messages
// start with the field they are about ("grace must be…", "channels: …"); the field is read
// back from that first word, so a form shows the API's message next to the input it names.
import express from 'express';
import { html, type Html } from './html.js';

export type FieldErrors = Record<string, string>;

/** The form field a message is about (its first word), or "" for the form as a whole. */
export function fieldOfMessage(message: string, fields: readonly string[]): string {
  const first = /^[a-z_]+/.exec(message)?.[0] ?? '';
  return fields.includes(first) ? first : '';
}

/** A message for the field it names, or for the whole form. */
export function errorsOf(message: string, fields: readonly string[]): FieldErrors {
  return { [fieldOfMessage(message, fields)]: message };
}

export interface FieldOptions {
  /** The input's name and id, and the key of its error. */
  name: string;
  label: string;
  input: Html;
  errors: FieldErrors;
  hint?: Html | string;
}

/** Label, input, hint and error (linked by aria-describedby so a screen reader reads it). */
export function field(o: FieldOptions): Html {
  const error = o.errors[o.name];
  return html`<div class="field${error ? ' invalid' : ''}" data-field="${o.name}">
    <label for="${o.name}">${o.label}</label>
    ${o.input}
    ${o.hint ? html`<div class="hint" id="${o.name}-hint">${o.hint}</div>` : ''}
    ${error ? html`<div class="field-error" id="${o.name}-error" role="alert">${error}</div>` : ''}
  </div>`;
}

export interface CheckboxesOptions {
  /** The data-field and the key of its error (the API's field: channels, depends_on). */
  field: string;
  legend: string;
  /** The checkboxes' name, and the hidden marker saying the list was shown (`<x>_listed`):
   * with it, no box ticked means "none", not "unchanged". */
  name: string;
  listed: string;
  choices: { value: string | number; label: Html; checked: boolean }[];
  errors: FieldErrors;
  /** Shown when there is no choice at all. */
  empty?: Html;
  hint?: string;
}

/** A fieldset of checkboxes with its error, as the check form's channels and parents. */
export function checkboxes(o: CheckboxesOptions): Html {
  const error = o.errors[o.field];
  return html`<fieldset class="field${error ? ' invalid' : ''}" data-field="${o.field}">
    <legend>${o.legend}</legend>
    <input type="hidden" name="${o.listed}" value="1" />
    ${o.choices.length === 0 && o.empty ? o.empty : ''}
    ${o.choices.map(
      (c) =>
        html`<label class="choice"
          ><input type="checkbox" name="${o.name}" value="${c.value}" ${c.checked ? 'checked' : ''} />
          ${c.label}</label
        >`,
    )}
    ${o.hint ? html`<div class="hint">${o.hint}</div>` : ''}
    ${error ? html`<div class="field-error" id="${o.field}-error" role="alert">${error}</div>` : ''}
  </fieldset>`;
}

/** The error of no field in particular, above the form. */
export function formError(errors: FieldErrors): Html {
  return errors[''] ? html`<p class="error" role="alert">${errors['']}</p>` : html``;
}

/** Form bodies with many fields (a checkbox per channel): bounded, one string per name. */
export const manyFields = express.urlencoded({
  extended: false,
  limit: '64kb',
  parameterLimit: 1000,
});

/** A text field of a form body: undefined when absent, one string, never an array. */
export function formText(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeated field (checkboxes). */
export function formList(body: Record<string, unknown>, name: string): string[] {
  const v = body[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}
