// The JSON body of Management API writes. express.json() parses application/json; a body
// sent with another Content-Type (curl -d sends form-urlencoded) is read as text and must
// parse as JSON too, as healthchecks reads any body as JSON. Malformed JSON is a 400 and a
// body over BODY_LIMIT_BYTES a 413, both before the key is even looked at.
import express, { type RequestHandler } from 'express';
import { HttpError } from '../errors.js';

export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    express.json({ limit: limitBytes }),
    express.text({ limit: limitBytes, type: () => true }),
    (req, _res, next) => {
      if (typeof req.body !== 'string') return next();
      const text = req.body;
      req.body = undefined;
      // A read has no body to parse; every write (PATCH too: `curl -X PATCH -d …` was ignored) does.
      if (!['POST', 'PATCH', 'PUT', 'DELETE'].includes(req.method)) return next();
      if (text.trim() === '') return next();
      try {
        req.body = JSON.parse(text) as unknown;
      } catch {
        throw new HttpError(400, 'the request body is not valid JSON');
      }
      next();
    },
  ];
}
