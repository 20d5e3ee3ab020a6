// Loader hooks of module-log.mjs (they run on the loader thread).
import { appendFileSync } from 'node:fs';
import process from 'node:process';

export async function load(url, context, nextLoad) {
  if (process.env.MODULE_LOG && !url.startsWith('node:'))
    appendFileSync(process.env.MODULE_LOG, url + '\n');
  return nextLoad(url, context);
}
