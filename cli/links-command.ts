import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { accountLinkRows, countOpenAccounts, linksCsv, linksZip, plateLink, type LinkRow } from '../core/payments/index.ts';
import { translate } from '../core/shared/index.ts';
import type { App } from './compose.ts';

const say = (key: string, vars: Readonly<Record<string, unknown>> = {}) => console.log(translate('ru', `cli.${key}`, vars));
const complain = (key: string, vars: Readonly<Record<string, unknown>> = {}) => console.error(translate('ru', `cli.${key}`, vars));

/**
 * `familypay links --org SLUG [--csv FILE] [--zip FILE] [--format png|svg]` exports every open account's pay
 * link; `familypay links keys | rotate-key | retire-key KID` manages the keys that sign them. 0 done, 1 refused,
 * 2 a usage mistake.
 */
export async function linksCommand(app: App, args: string[]): Promise<number> {
  const parsed = parse(args);
  if (!parsed) { complain('linksUsage'); return 2; }
  const { values, positionals: [sub, ...rest] } = parsed;
  if (sub === 'keys' && rest.length === 0) return listKeys(app);
  if (sub === 'rotate-key' && rest.length === 0) return rotateKey(app);
  if (sub === 'retire-key' && rest.length === 1) return retireKey(app, rest[0]!);
  const format = values.format ?? 'png';
  if (sub !== undefined || !values.org || (format !== 'png' && format !== 'svg')) { complain('linksUsage'); return 2; }
  return exportLinks(app, values.org, { csv: values.csv, zip: values.zip, format });
}

/** Null on an unknown option or one without its value: the usage line says more than parseArgs' message. */
function parse(args: string[]) {
  try {
    return parseArgs({
      args, allowPositionals: true, strict: true,
      options: { org: { type: 'string' }, csv: { type: 'string' }, zip: { type: 'string' }, format: { type: 'string' } },
    });
  } catch {
    return null;
  }
}

async function exportLinks(app: App, slug: string, out: { csv?: string; zip?: string; format: 'png' | 'svg' }): Promise<number> {
  const orgId = await app.orgs.orgIdBySlug(slug);
  if (!orgId) { complain('linksNoOrg', { slug }); return 2; }
  const rows = () => accountLinkRows(app.db, orgId, app.payments.links, app.publicUrl);
  if (!out.csv && !out.zip) {
    say('linksPlate', { url: await plateLink(app.payments.links, orgId, app.publicUrl) });
    say('linksWouldExport', { count: await countOpenAccounts(app.db, orgId) });
    return 0;
  }
  if (out.csv) {
    let count = 0;
    const counted = async function* (): AsyncGenerator<LinkRow> { for await (const row of rows()) { count++; yield row; } };
    await pipeline(Readable.from(linksCsv(counted())), createWriteStream(out.csv));
    say('linksCsvWritten', { file: out.csv, rows: count });
  }
  if (out.zip) {
    const { files } = await linksZip(rows(), out.format, createWriteStream(out.zip));
    say('linksZipWritten', { file: out.zip, files, format: out.format.toUpperCase() });
  }
  return 0;
}

const stamp = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

async function listKeys(app: App): Promise<number> {
  for (const key of await app.payments.links.keys()) {
    say(key.retiredAt ? 'linksKeyRetired' : 'linksKeyActive', { kid: key.kid, created: stamp(key.createdAt), retired: key.retiredAt ? stamp(key.retiredAt) : '' });
  }
  return 0;
}

async function rotateKey(app: App): Promise<number> {
  say('linksRotated', { kid: await app.payments.links.rotate() });
  return 0;
}

/** Refuses the last active key: with none, no link could be signed and the payment pages would stop issuing them. */
async function retireKey(app: App, text: string): Promise<number> {
  const kid = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  const keys = await app.payments.links.keys();
  const key = keys.find((k) => k.kid === kid);
  if (!key || key.retiredAt) { complain('linksRetireUnknown', { kid: text.slice(0, 20) }); return 1; }
  if (await app.payments.links.retire(kid)) { say('linksRetired', { kid }); return 0; }
  // retire() refuses in the same statement that checks, so two operators retiring at once cannot leave none.
  complain('linksRetireLast', { kid });
  return 1;
}
