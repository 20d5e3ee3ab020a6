// The channel form, drawn from what src/domain/channel-spec.ts exports (CHANNEL_KINDS,
// CHANNEL_FIELDS): a kind added there gets its fields here without a page change. A
// credential (what channelJson does not show as stored) is never put back in the form: its
// field is blank, and blank means unchanged.
import type { ChannelRow } from '../../db/channels.js';
import {
  CHANNEL_FIELDS,
  CHANNEL_KINDS,
  channelJson,
  isChannelKind,
  type ChannelInput,
  type ChannelKind,
} from '../../domain/channel-spec.js';
import { field, formError, formText, type FieldErrors } from './form.js';
import { html, type Html } from './html.js';
import type { WebSession } from './session.js';

/** Labels of the fields the pages know; a field of a new kind is shown by its name. */
const LABELS: Partial<Record<string, [string, string?]>> = {
  to: ['To', 'email addresses, separated by commas'],
  url: ['URL'],
  channel: ['Slack channel', 'optional: overrides the webhook’s own channel'],
  secret: ['Secret', 'optional: each request is signed with it'],
};

/** The fields a message can be shown next to ("kind" is chosen above the form: form-level). */
export function allFields(): string[] {
  return ['name', ...new Set(Object.values(CHANNEL_FIELDS).flat())];
}

/** A config value shown in the form, or undefined for a credential (hidden, kept if blank). */
export function shownValue(c: ChannelRow, name: string): string | undefined {
  const shown = channelJson(c)[name];
  const stored = c.config[name];
  return typeof stored === 'string' && shown === stored ? stored : undefined;
}

export interface FormState {
  kind: ChannelKind;
  values: Record<string, string>;
  errors: FieldErrors;
  /** The channel being edited; none for a new one. */
  channel?: ChannelRow;
}

export function channelForm(st: FormState, s: WebSession): Html {
  const editing = st.channel;
  const action = editing ? `/dashboard/channels/${editing.uuid}` : '/dashboard/channels/new';
  const input = (name: string) => {
    const hidden = editing && shownValue(editing, name) === undefined && name in editing.config;
    return html`<input
      id="${name}"
      name="${name}"
      value="${st.values[name] ?? ''}"
      autocomplete="off"
      spellcheck="false"
      ${hidden ? html`placeholder="unchanged (not shown)"` : ''}
    />`;
  };
  return html`${formError(st.errors)}
    ${
      editing
        ? ''
        : html`<form method="get" action="/dashboard/channels/new" class="kind-picker">
            <label for="pick-kind">Kind</label>
            <select id="pick-kind" name="kind">
              ${CHANNEL_KINDS.map((k) => html`<option value="${k}" ${k === st.kind ? 'selected' : ''}>${k}</option>`)}
            </select>
            <button type="submit">Show its fields</button>
          </form>`
    }
    <form method="post" action="${action}" class="stack channel-form" novalidate>
      <input type="hidden" name="_csrf" value="${s.csrf}" />
      <input type="hidden" name="kind" value="${st.kind}" />
      ${field({
        name: 'name',
        label: 'Name',
        input: input('name'),
        errors: st.errors,
        hint: editing ? undefined : 'optional: what it sends to, by default',
      })}
      ${CHANNEL_FIELDS[st.kind].map((name) =>
        field({
          name,
          label: LABELS[name]?.[0] ?? name,
          input: input(name),
          errors: st.errors,
          hint: LABELS[name]?.[1],
        }),
      )}
      <div class="buttons">
        <button type="submit" class="primary">${editing ? 'Save' : 'Add channel'}</button>
      </div>
    </form>`;
}

export function kindParam(v: unknown): ChannelKind {
  return isChannelKind(v) ? v : CHANNEL_KINDS[0];
}

/** The form's fields as the API's input: blank means not given (a default, or unchanged). */
export function inputOf(body: Record<string, unknown>, kind: string): ChannelInput {
  const out: Record<string, string> = { kind };
  const names = isChannelKind(kind) ? ['name', ...CHANNEL_FIELDS[kind]] : ['name'];
  for (const name of names) {
    const v = formText(body, name);
    if (v !== undefined && v !== '') out[name] = v;
  }
  return out as ChannelInput;
}

export function valuesOf(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allFields()) out[name] = formText(body, name) ?? '';
  return out;
}
