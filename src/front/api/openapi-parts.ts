// The small builders the OpenAPI document is written with, shared by openapi.ts (checks,
// channels, badges) and openapi-jobs.ts, so both parts name references and errors alike.
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const param = (name: string): Schema => ({ $ref: `#/components/parameters/${name}` });
export const resp = (name: string): Schema => ({ $ref: `#/components/responses/${name}` });
export const json = (description: string, schema: Schema): Schema => ({
  description,
  content: { 'application/json': { schema } },
});
export const nullable = (type: string, extra: Schema = {}): Schema => ({
  type: [type, 'null'],
  ...extra,
});

const ERROR_RESPONSES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  404: 'NotFound',
  409: 'Conflict',
  413: 'TooLarge',
  429: 'RateLimited',
};

/** The shared error responses of these status codes. */
export const errors = (...codes: number[]): Record<string, Schema> =>
  Object.fromEntries(codes.map((c) => [String(c), resp(ERROR_RESPONSES[c]!)]));

// Which key an operation needs, in the extension x-key-scope: `read` (a read-only key will
// do), `write` (a read-write key) or `none`.
export const keyed = [{ apiKey: [] }];
