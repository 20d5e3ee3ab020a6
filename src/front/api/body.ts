// The JSON body of Management API writes. express.json() parses application/json; a body
// sent with another Content-Type (curl -d sends form-urlencoded) is read as text and must
// parse as JSON too, as healthchecks reads any body as JSON. Malformed JSON is a 400 and a
// body over BODY_LIMIT_BYTES a 413, both before the key is even looked at. A write's body,
// when there is one, must be a JSON object: `null` read as "no body" answered
// "name is required", and under application/json "null is not valid JSON".
import express, { type RequestHandler } from 'express';
import { HttpError } from '../errors.js';

const WRITES = ['POST', 'PATCH', 'PUT', 'DELETE'];

function parsedText(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
}

export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    // Not strict: `null`, `"x"` or `1` parse, and are refused below with the same message.
    express.json({ limit: limitBytes, strict: false }),
    express.text({ limit: limitBytes, type: () => true }),
    (req, _res, next) => {
      // A string from express.json is a JSON string value; from express.text, raw text.
      const text = typeof req.body === 'string' && !req.is('json') ? (req.body as string) : null;
      if (text !== null) req.body = undefined;
      // A read has no body to parse; every write (PATCH too: `curl -X PATCH -d …` was ignored) does.
      if (!WRITES.includes(req.method)) return next();
      const body: unknown = text === null ? req.body : parsedText(text);
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
        throw new HttpError(400, 'the request body must be a JSON object');
      req.body = body;
      next();
    },
  ];
}
