import { linkedAccounts, type LinkedAccount } from '../../core/accounts/index.ts';
import { formatRubles, type Kopecks } from '../../core/shared/index.ts';
import { say, type Prompt, type Turn } from '../flow.ts';

/**
 * The account the resident is working with: the one they chose, else their first linked one. A choice that is no
 * longer linked (unlinked elsewhere) falls back the same way.
 */
export async function currentAccount(turn: Turn): Promise<LinkedAccount | null> {
  const accounts = await linkedOf(turn);
  const chosen = accounts.find((a) => a.id === turn.accountId) ?? accounts[0] ?? null;
  turn.accountId = chosen?.id ?? null;
  return chosen;
}

/**
 * The resident's linked accounts: as the turn's first round trip read them, until a step links or unlinks one
 * (forgetLinked); then read again, once.
 */
const linkedCache = new WeakMap<Turn, readonly LinkedAccount[] | null>();
export async function linkedOf(turn: Turn): Promise<readonly LinkedAccount[]> {
  const cached = linkedCache.has(turn) ? linkedCache.get(turn) : turn.linkedAtStart;
  if (cached) return cached;
  const accounts = await linkedAccounts(turn.em, turn.orgId, turn.personId);
  linkedCache.set(turn, accounts);
  return accounts;
}
/** After a link or an unlink in this turn, the next read asks the database again. */
export const forgetLinked = (turn: Turn): void => { linkedCache.set(turn, null); };

/** Flows that need an account send a resident without one to link it first. */
export const NEED_ACCOUNT: Prompt = { intents: [say('needAccount')], then: 'link' };

export const rub = (amount: Kopecks | number): string => formatRubles(amount as Kopecks);

/** «г. Пермь, ул. Ленина, д. 5, кв. 12», or the number alone when the registry gave no address. */
export function accountTitle(account: LinkedAccount): string {
  const place = [account.address, account.premise ? `кв. ${account.premise}` : null].filter(Boolean).join(', ');
  return place ? `${account.number} — ${place}` : account.number;
}

/** YYYY-MM of a moment in a time zone. */
const monthFormats = new Map<string, Intl.DateTimeFormat>();
export function monthIn(now: Date, timeZone: string): string {
  let format = monthFormats.get(timeZone);
  if (!format) monthFormats.set(timeZone, format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }));
  const parts = format.formatToParts(now);
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

export async function orgFacts(turn: Turn): Promise<{ timeZone: string; name: string; dispatcherPhone: string | null; operatorPhone: string | null; readingFrom: number | null; readingTo: number | null }> {
  const [row] = await turn.em.execute<{ time_zone: string; short_name: string; dispatcher_phone: string | null; operator_phone: string | null; reading_day_from: number | null; reading_day_to: number | null }[]>(
    'select time_zone, short_name, dispatcher_phone, operator_phone, reading_day_from, reading_day_to from organizations where id = ?', [turn.orgId]);
  return {
    timeZone: row?.time_zone ?? 'Europe/Moscow', name: row?.short_name ?? '', dispatcherPhone: row?.dispatcher_phone ?? null,
    operatorPhone: row?.operator_phone ?? null, readingFrom: row?.reading_day_from ?? null, readingTo: row?.reading_day_to ?? null,
  };
}
