// `cronwatch status-page add|list|rm`: an account's public status pages from the command
// line (for provisioning scripts), with the dashboard's rules and queries.
import { publicBase } from '../config.js';
import { deleteStatusPage, insertStatusPage, listStatusPages } from '../db/status-pages.js';
import { SLUG_RULE, STATUS_PAGE_SLUG } from '../domain/status-page.js';
import { accountIdOrUsage, UsageError, withPool } from './runtime.js';

function pageUrl(base: string, slug: string): string {
  return `${base}/status/${slug}`;
}

export interface StatusPageAddOptions {
  tag?: string;
  title?: string;
  json?: boolean;
}

export async function statusPageAddCommand(
  account: string,
  slug: string,
  o: StatusPageAddOptions,
): Promise<void> {
  if (!STATUS_PAGE_SLUG.test(slug))
    throw new UsageError(`${SLUG_RULE} (got ${JSON.stringify(slug)})`);
  if (o.tag !== undefined && (o.tag.length < 1 || o.tag.length > 200 || o.tag.includes('\u0000')))
    throw new UsageError('--tag must be 1-200 characters');
  if (o.title !== undefined && (o.title.length > 200 || o.title.includes('\u0000')))
    throw new UsageError('--title must be at most 200 characters');
  await withPool(async (pool, config) => {
    const id = await accountIdOrUsage(pool, account);
    const page = { slug, tag: o.tag ?? null, title: o.title ?? '' };
    if (!(await insertStatusPage(pool, id, page)))
      throw new UsageError(`the address /status/${slug} is taken: choose another`);
    const url = pageUrl(publicBase(config), slug);
    process.stdout.write(
      o.json ? JSON.stringify({ ...page, url }) + '\n' : `status page ${url} published\n`,
    );
  });
}

export async function statusPageListCommand(account: string, o: { json?: boolean }): Promise<void> {
  await withPool(async (pool, config) => {
    const pages = await listStatusPages(pool, await accountIdOrUsage(pool, account));
    const base = publicBase(config);
    if (o.json) {
      for (const p of pages)
        process.stdout.write(JSON.stringify({ ...p, url: pageUrl(base, p.slug) }) + '\n');
      return;
    }
    if (pages.length === 0) process.stdout.write(`No status pages in ${account}.\n`);
    for (const p of pages)
      process.stdout.write(
        `${pageUrl(base, p.slug)}  ${p.tag === null ? 'all checks' : `checks tagged ${JSON.stringify(p.tag)}`}${p.title ? `  ${JSON.stringify(p.title)}` : ''}\n`,
      );
  });
}

export async function statusPageRmCommand(account: string, slug: string): Promise<void> {
  await withPool(async (pool) => {
    const id = await accountIdOrUsage(pool, account);
    if (!STATUS_PAGE_SLUG.test(slug) || !(await deleteStatusPage(pool, id, slug)))
      throw new UsageError(
        `no status page ${JSON.stringify(slug)} in account ${JSON.stringify(account)}`,
      );
    process.stdout.write(`status page /status/${slug} of ${account} removed\n`);
  });
}
