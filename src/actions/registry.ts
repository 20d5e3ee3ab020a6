// The action kinds a job may have. Adding a kind: a file in this folder exporting an
// Action (see action.ts), and one line below.
import type { Action } from './action.js';
import { httpAction } from './http.js';
import { pageChangeAction } from './page-change.js';

const kinds: Record<string, Action<never>> = {
  http: httpAction as Action<never>,
  'page-change': pageChangeAction as Action<never>,
};

export const ACTION_KINDS = Object.keys(kinds);

/** The action of `kind`, or undefined when there is no such kind. */
export function actionOf(kind: string): Action<unknown> | undefined {
  return Object.hasOwn(kinds, kind) ? (kinds[kind] as Action<unknown>) : undefined;
}
