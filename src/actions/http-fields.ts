// The `http` action's settings on the dashboard's job form (the API's fields, one each).
import type { SettingField } from './action.js';

export const HTTP_FIELDS: readonly SettingField[] = [
  { name: 'url', label: 'URL', type: 'text', placeholder: 'https://example.com/hook' },
  {
    name: 'method',
    label: 'Method',
    type: 'select',
    options: ['', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    help: 'Empty: POST when there is a body, else GET.',
  },
  {
    name: 'headers',
    label: 'Headers',
    type: 'lines',
    placeholder: 'Content-Type: application/json',
    help: 'One "Name: value" per line.',
  },
  { name: 'body', label: 'Body', type: 'textarea' },
  {
    name: 'expected_statuses',
    label: 'Expected statuses',
    type: 'numbers',
    placeholder: '200, 204',
    help: 'Empty: any 2xx is a success.',
  },
  {
    name: 'body_regex',
    label: 'Body must match',
    type: 'text',
    placeholder: '"ok":\\s*true',
    help: 'A regular expression the answer must match to count as a success.',
  },
];
