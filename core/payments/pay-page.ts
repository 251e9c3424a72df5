import type { Database, Em } from '../infra/database/database.ts';
import { AppError, err, ok, type Clock, type Result } from '../shared/index.ts';
import type { CommissionTerms } from './commission.calc.ts';
import { ACCOUNT_CONTEXT_SQL, readDebtContext, type AccountDebt, type DebtContextRow } from './debt.ts';
import { maskAddress, maskName } from './mask.calc.ts';
import type { LinkClaims } from './pay-link.calc.ts';
import type { PayLinks } from './pay-links.ts';
import type { PayMethod } from './provider.port.ts';
import { overLimit, recordHit } from './rate-limit.ts';

export type OrgFace = {
  readonly id: string; readonly name: string; readonly shortName: string; readonly inn: string; readonly offerUrl: string | null;
  readonly timeZone: string; readonly commission: Readonly<Record<PayMethod, CommissionTerms>>;
};

/** Everything the payment page shows for one account: the organisation, the account, its debt «на дату». */
export type PayPage = {
  readonly org: OrgFace;
  readonly accountId: string;
  readonly accountNumber: string;
  /** Masked when the link came from a typed number (purpose `typed`): typing a number proves nothing. */
  readonly address: string;
  readonly masked: boolean;
  readonly debt: AccountDebt;
  readonly serviceNames: Readonly<Record<string, string>>;
  readonly claims: LinkClaims;
};

/**
 * The limits of the typed-account page, per hour: every attempt from one address; and the numbers nobody has,
 * per organisation — residents type their own number, a walker mostly misses, so a distributed walk is stopped
 * while residents who type right are not counted. Refused attempts are not counted, so a block wears off.
 */
export const LOOKUP_LIMITS = { perIp: 30, missesPerOrg: 3_000 } as const;

const rejection = (reason: string) => new AppError(reason === 'expired' ? 'PAYMENTS.LINK_EXPIRED' : 'PAYMENTS.LINK_INVALID');

type OrgRow = { id: string; name: string; short_name: string; inn: string; offer_url: string | null; time_zone: string; commission: unknown; active: boolean };
const ORG_SQL = 'select id, name, short_name, inn, offer_url, time_zone, commission, active from organizations where id = ?';

export async function orgFace(em: Em, orgId: string): Promise<OrgFace | null> {
  const [row] = await em.execute<OrgRow[]>(ORG_SQL, [orgId]);
  return toOrgFace(row);
}

function toOrgFace(row: OrgRow | undefined): OrgFace | null {
  if (!row || !row.active) return null;
  const commission = (typeof row.commission === 'string' ? JSON.parse(row.commission) : row.commission) as OrgFace['commission'];
  return { id: row.id, name: row.name, shortName: row.short_name, inn: row.inn, offerUrl: row.offer_url, timeZone: row.time_zone, commission };
}

type AccountRow = { id: string; number: string; status: string; payer_name: string | null; address: string | null; premise: string | null };
const accountSql = (where: 'id' | 'number') => `select a.id, a.number, a.status, a.payer_name, b.address, p.number as premise
     from accounts a left join premises p on p.id = a.premise_id and p.org_id = a.org_id left join buildings b on b.id = p.building_id and b.org_id = a.org_id
     where a.org_id = ? and a.${where === 'id' ? 'id' : 'number'} = ?`;
async function accountFace(em: Em, orgId: string, where: 'id' | 'number', value: string): Promise<AccountRow | null> {
  const [row] = await em.execute<AccountRow[]>(accountSql(where), [orgId, value]);
  return row ?? null;
}
const fullAddress = (row: AccountRow) => [row.address, row.premise ? `кв. ${row.premise}` : null].filter(Boolean).join(', ');

/** Opens an account link: a valid signature first, then the account in its organisation's transaction. */
export async function openPayPage(deps: { db: Database; links: PayLinks }, token: string): Promise<Result<PayPage, AppError>> {
  const verified = await deps.links.verify(token);
  if (!verified.ok) return err(rejection(verified.error));
  const claims = verified.value;
  if ((claims.purpose !== 'account' && claims.purpose !== 'typed') || !claims.subjectId) return err(new AppError('PAYMENTS.LINK_INVALID'));
  const masked = claims.purpose === 'typed';
  // The page's reads in one round trip (it is what a QR on every bill opens): organisation, account, debt, names.
  const page = await deps.db.withTenant(claims.orgId, async (em) => {
    const [orgRows, accountRows, contextRows, names] = await em.execute<[OrgRow[], AccountRow[], DebtContextRow[], { id: string; name: string }[]]>(
      `${ORG_SQL}; ${accountSql('id')}; ${ACCOUNT_CONTEXT_SQL}; select id, name from services where org_id = ?`,
      [claims.orgId, claims.orgId, claims.subjectId, claims.orgId, claims.subjectId, claims.orgId]);
    const org = toOrgFace(orgRows[0]);
    const account = accountRows[0];
    if (!org || !account) return null;
    const debt = readDebtContext(contextRows[0]).debt;
    return { org, accountId: account.id, accountNumber: account.number, address: masked ? maskAddress(fullAddress(account)) : fullAddress(account), masked, debt, serviceNames: Object.fromEntries(names.map((n) => [n.id, n.name])), claims, closed: account.status !== 'open' };
  });
  if (!page) return err(new AppError('PAYMENTS.LINK_INVALID'));
  if (page.closed) return err(new AppError('PAYMENTS.ACCOUNT_CLOSED'));
  return ok(page);
}

/** What a status page names besides the money: the organisation and the account number (no address). */
export async function paymentFace(db: Database, orgId: string, accountId: string): Promise<{ orgName: string; accountNumber: string; timeZone: string } | null> {
  return db.withTenant(orgId, async (em) => {
    const org = await orgFace(em, orgId);
    const account = org ? await accountFace(em, orgId, 'id', accountId) : null;
    return org && account ? { orgName: org.shortName, accountNumber: account.number, timeZone: org.timeZone } : null;
  });
}

/** A plate's or a collector's link: the organisation only; the resident types the account number. */
export async function openPlate(deps: { db: Database; links: PayLinks }, token: string): Promise<Result<{ org: OrgFace; claims: LinkClaims; collectorName: string | null }, AppError>> {
  const verified = await deps.links.verify(token);
  if (!verified.ok) return err(rejection(verified.error));
  const claims = verified.value;
  if (claims.purpose !== 'plate' && claims.purpose !== 'collector') return err(new AppError('PAYMENTS.LINK_INVALID'));
  const found = await deps.db.withTenant(claims.orgId, async (em) => {
    const org = await orgFace(em, claims.orgId);
    if (!org) return null;
    if (claims.purpose !== 'collector') return { org, claims, collectorName: null };
    const [c] = await em.execute<{ name: string; active: boolean }[]>('select name, active from collectors where org_id = ? and id = ?', [claims.orgId, claims.subjectId]);
    return c?.active ? { org, claims, collectorName: c.name } : null;
  });
  return found ? ok(found) : err(new AppError('PAYMENTS.LINK_INVALID'));
}

export type FoundAccount = { readonly accountToken: string; readonly payer: string; readonly address: string };

/** The typed account number: rate-limited, answered with masked details and a short-lived link to the account's page. */
export async function findAccount(
  deps: { db: Database; links: PayLinks; clock: Clock }, claims: LinkClaims, number: string, ip: string,
): Promise<Result<FoundAccount, AppError>> {
  const typed = number.trim().replace(/\s+/g, '');
  return deps.db.withTenant(claims.orgId, async (em) => {
    const now = deps.clock.now();
    const [ipBucket, missBucket] = [`lookup:ip:${ip}`, `lookup:miss:${claims.orgId}`];
    if (await overLimit(em, [{ bucket: ipBucket, max: LOOKUP_LIMITS.perIp }, { bucket: missBucket, max: LOOKUP_LIMITS.missesPerOrg }], now)) {
      return err(new AppError('PAYMENTS.TOO_MANY_ATTEMPTS', { vars: { minutes: 60 } }));
    }
    await recordHit(em, ipBucket, now);
    const account = /^[\p{L}\p{N}/-]{1,32}$/u.test(typed) ? await accountFace(em, claims.orgId, 'number', typed) : null;
    if (!account) {
      await recordHit(em, missBucket, now);
      return err(new AppError('PAYMENTS.ACCOUNT_NOT_FOUND', { field: 'account', vars: { number: typed.slice(0, 32) } }));
    }
    if (account.status !== 'open') return err(new AppError('PAYMENTS.ACCOUNT_CLOSED', { field: 'account' }));
    const accountToken = await deps.links.sign({ orgId: claims.orgId, purpose: 'typed', subjectId: account.id });
    return ok({ accountToken, payer: maskName(account.payer_name), address: maskAddress(fullAddress(account)) });
  });
}
