import { it } from 'vitest';
import { sendReceipt } from '../../dialogs/receipts.ts';
import { ALL_FLOWS } from '../../dialogs/flows/index.ts';
import type { DialogChannel } from '../../dialogs/types.ts';
import { systemClock, translate, type Locale } from '../../core/shared/index.ts';
import {
  LABELS, resolve, type Act, type Caps, type Ctx, type Expect, type Facts, type LinkExp, type OptionExp, type Phrase, type Transcript,
} from '../transcripts/script.ts';
import { TRANSCRIPTS } from '../transcripts/transcripts.ts';
import type { World } from './transcript-world.ts';

/**
 * What a resident saw or heard after one act, read back from what the channel actually sent to its fake (or
 * answered over HTTP): every text in order, the options of the last choice (ids where the channel has buttons,
 * null ids where it numbers them), the links, a contact button, documents.
 */
export type Seen = {
  readonly texts: readonly string[];
  readonly options: readonly { readonly id: string | null; readonly label: string }[];
  readonly links: readonly { readonly url: string; readonly label: string | null }[];
  readonly contactButton: boolean;
  readonly documents: number;
  /** Where the robot hands the call over (voice only). */
  readonly transfer?: string | null;
  /** The raw protocol exchange, shown when a step fails. */
  readonly raw: unknown;
};

/** An act with its values resolved for this channel and fixture. */
export type DoneAct =
  | { readonly kind: 'start'; readonly arg?: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'choose'; readonly id: string }
  | { readonly kind: 'contact'; readonly phone: string; readonly own: boolean }
  | { readonly kind: 'photo'; readonly caption?: string }
  | { readonly kind: 'repeat' };

/**
 * A channel seen from the resident's side: its protocol in, what its sender put out. `repeat` delivers the
 * resident's previous request again, byte for byte, as a platform retrying a webhook would.
 */
export type Driver<R extends { readonly externalUserId: string }> = {
  readonly channel: DialogChannel;
  readonly caps: Caps;
  /** A new resident; `phone` is the number the channel vouches for (a WhatsApp number, a caller's number). */
  resident(phone: string | null): R;
  /** Sends one act the way the channel delivers it; `shown` are the option ids on screen, in order (for «2»). */
  act(resident: R, act: DoneAct, shown: readonly string[]): Promise<Seen>;
  /** What reached the resident's chat since the last act (a receipt). */
  collect(resident: R): Promise<Seen>;
};

export const hasFlows = (names: readonly string[] = []): boolean => names.every((n) => ALL_FLOWS.some((f) => f.name === n));
export const applies = (t: Transcript, c: Pick<Ctx, 'channel' | 'caps'>): boolean => hasFlows(t.flows) && (t.when?.(c) ?? true);

/**
 * One test per transcript for a channel. A transcript whose flow is not in ALL_FLOWS yet, or that the channel
 * cannot run (a contact button on a call), is reported as skipped rather than silently passing.
 */
export function transcriptTests<R extends { readonly externalUserId: string }>(
  channel: DialogChannel, caps: Caps, rig: () => { readonly world: World; readonly driver: Driver<R> },
): void {
  for (const t of TRANSCRIPTS) {
    it.skipIf(!applies(t, { channel, caps }))(t.name, async () => {
      const { world, driver } = rig();
      await runTranscript(world, driver, t);
    });
  }
}

/** Runs a transcript on a channel, checking every reply against the expected intents. */
export async function runTranscript<R extends { readonly externalUserId: string }>(w: World, driver: Driver<R>, t: Transcript): Promise<void> {
  const c: Ctx = { channel: driver.channel, caps: driver.caps, fx: w.fx };
  const resident = driver.resident(t.fromAccountPhone ? w.fx.phoneAccount.phone : null);
  let shown: string[] = [];
  for (const [i, step] of resolve(t.steps, c).entries()) {
    const expect = resolve(step.expect, c);
    const where = `${driver.channel} «${t.name}», step ${i + 1} (${describe(step.act)})`;
    let seen: Seen;
    if (step.act.kind === 'bankConfirms') {
      await confirmLatestPayment(w, driver.channel, resident.externalUserId);
      seen = await driver.collect(resident);
    } else {
      seen = await driver.act(resident, doneAct(step.act, c), shown);
    }
    const options = resolve(expect.options, c);
    checkSeen(seen, { ...expect, options }, c, where);
    // A receipt or a retried webhook answered with nothing leaves the last options on screen (and in the engine's state).
    if (!(step.act.kind === 'bankConfirms' || (step.act.kind === 'repeat' && !c.caps.inline))) shown = options.map(idOf);
  }
  await t.after?.(facts(w, driver.channel, resident.externalUserId), c);
}

function doneAct(act: Exclude<Act, { kind: 'bankConfirms' }>, c: Ctx): DoneAct {
  switch (act.kind) {
    case 'start': return act.arg === undefined ? { kind: 'start' } : { kind: 'start', arg: resolve(act.arg, c) };
    case 'text': return { kind: 'text', text: resolve(act.text, c) };
    case 'contact': return { kind: 'contact', phone: resolve(act.phone, c), own: act.own };
    default: return act;
  }
}

const describe = (act: Act): string => (act.kind === 'choose' ? `choose ${act.id}` : act.kind === 'text' && typeof act.text === 'string' ? `text «${act.text}»` : act.kind);
const idOf = (o: OptionExp): string => (typeof o === 'string' ? o : o.id);
const labelOf = (o: OptionExp): Phrase | null => (typeof o === 'string' ? LABELS[o] ?? null : o.label);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A phrase as the resident reads it: translated with the vars given; a placeholder without a var matches anything.
 * Whitespace is loose, because the robot speaks lines as one and messengers join neighbouring texts.
 */
export function phraseSource(locale: Locale, phrase: Phrase): string {
  return translate(locale, phrase.key, phrase.vars ?? {})
    .split(/\{\w+\}/)
    .map((part) => escape(part).replace(/\s+/g, '\\s+'))
    .join('[\\s\\S]*?');
}

function checkSeen(seen: Seen, e: Expect & { readonly options: readonly OptionExp[] }, c: Ctx, where: string): void {
  const locale = e.locale ?? 'ru';
  const text = seen.texts.join('\n');
  const fail = (problem: string): never => {
    throw new Error(`${where}: ${problem}\n--- the resident saw:\n${text}\n--- options: ${JSON.stringify(seen.options)}\n--- links: ${JSON.stringify(seen.links)}\n--- raw: ${JSON.stringify(seen.raw).slice(0, 3000)}`);
  };
  let at = 0;
  for (const phrase of e.says) {
    const found = new RegExp(phraseSource(locale, phrase)).exec(text.slice(at));
    if (!found) fail(`missing, in order: ${phrase.key} ${JSON.stringify(phrase.vars ?? {})} (${locale}) «${translate(locale, phrase.key, phrase.vars ?? {})}»`);
    at += found!.index + found![0].length;
  }
  if (seen.options.length !== e.options.length) fail(`expected options ${JSON.stringify(e.options.map(idOf))}, got ${seen.options.length}`);
  e.options.forEach((o, i) => {
    const got = seen.options[i]!;
    if (got.id !== null && got.id !== idOf(o)) fail(`option ${i + 1}: expected id ${idOf(o)}, got ${got.id}`);
    const label = labelOf(o);
    if (label && !new RegExp(`^${phraseSource(locale, label)}$`).test(got.label.trim())) {
      fail(`option ${i + 1} (${idOf(o)}): expected label «${translate(locale, label.key, label.vars ?? {})}», got «${got.label}»`);
    }
  });
  checkLinks(seen, e.links ?? [], locale, fail);
  if (c.caps.contact && (e.contact ?? false) !== seen.contactButton) fail(`contact button expected ${e.contact ?? false}`);
  if ((e.documents ?? 0) !== seen.documents) fail(`expected ${e.documents ?? 0} documents, got ${seen.documents}`);
  if (c.caps.voice && (e.transfer ?? null) !== (seen.transfer ?? null)) fail(`expected a transfer to ${e.transfer ?? 'nobody'}, got ${seen.transfer ?? 'none'}`);
}

function checkLinks(seen: Seen, links: readonly LinkExp[], locale: Locale, fail: (problem: string) => never): void {
  if (seen.links.length !== links.length) fail(`expected ${links.length} links, got ${seen.links.length}`);
  links.forEach((l, i) => {
    const got = seen.links[i]!;
    if (!l.url.test(got.url)) fail(`link ${i + 1}: ${got.url} does not match ${l.url}`);
    if (l.label && got.label !== null && got.label !== translate(locale, l.label.key, l.label.vars ?? {})) fail(`link ${i + 1}: label «${got.label}»`);
  });
}

/** The bank confirms the resident's latest payment; the receipt goes out as the worker's receipt job sends it. */
async function confirmLatestPayment(w: World, channel: DialogChannel, externalId: string): Promise<void> {
  const [row] = await w.db.withTenant(w.orgId, (em) => em.execute<{ id: string; provider_payment_id: string; gross: string }[]>(
    `select p.id, p.provider_payment_id, p.gross from dialog_payments d join payments p on p.org_id = d.org_id and p.id = d.payment_id
       join identities i on i.org_id = d.org_id and i.id = d.identity_id
     where d.org_id = ? and i.channel = ? and i.external_id = ? order by p.created_at desc limit 1`, [w.orgId, channel, externalId]));
  if (!row) throw new Error('no payment started from this chat');
  await w.payments.sandbox.decide(row.provider_payment_id, 'confirm');
  const body = JSON.stringify({ OrderId: row.id, PaymentId: row.provider_payment_id, Status: 'CONFIRMED', Amount: Number(row.gross) });
  const applied = await w.payments.hook('sandbox', Buffer.from(body), { 'x-sandbox-signature': w.payments.sandbox.sign(body) });
  if (applied.outcome !== 'applied') throw new Error(`the bank's notification was not applied: ${applied.outcome}`);
  await sendReceipt({ db: w.db, clock: systemClock, payments: w.payments, deliver: w.dialogs.deliver }, w.orgId, row.id);
  await w.settle();
}

function facts(w: World, channel: DialogChannel, externalId: string): Facts {
  const rows = w.resident(channel, externalId);
  const byIdentity = `join identities i on i.org_id = d.org_id and i.id = d.identity_id where d.org_id = ? and i.channel = ? and i.external_id = ?`;
  return {
    links: rows.links,
    appeals: rows.appeals,
    payments: async () => (await w.db.withTenant(w.orgId, (em) => em.execute<{ amount: string; status: string }[]>(
      `select p.amount, p.status from dialog_payments d join payments p on p.org_id = d.org_id and p.id = d.payment_id ${byIdentity} order by p.created_at`,
      [w.orgId, channel, externalId]))).map((r) => ({ amount: Number(r.amount), status: r.status })),
    readings: async () => (await w.db.withTenant(w.orgId, (em) => em.execute<{ value: string }[]>(
      `select r.value::numeric::text as value from meter_readings r join meters m on m.org_id = r.org_id and m.id = r.meter_id
         join account_links l on l.org_id = m.org_id and l.account_id = m.account_id
         join identities i on i.org_id = l.org_id and i.person_id = l.person_id
       where r.org_id = ? and r.source = 'resident' and i.channel = ? and i.external_id = ? order by r.created_at`, [w.orgId, channel, externalId])))
      .map((r) => String(Number(r.value))),
    turns: async () => Number((await w.db.withTenant(w.orgId, (em) => em.execute<{ seq: number }[]>(
      `select s.seq from dialog_states s join identities i on i.id = s.identity_id where i.org_id = ? and i.channel = ? and i.external_id = ?`,
      [w.orgId, channel, externalId])))[0]?.seq ?? 0),
  };
}
