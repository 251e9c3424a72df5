import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatAssignedAccountNumber, isValidAssignedAccountNumber, makeAccountsService,
  type AccountsService, type BuildingRow,
} from '../core/accounts/index.ts';
import { makeOrgsService } from '../core/orgs/index.ts';
import { settableClock, hasMessage, translate, type AppError, type Result } from '../core/shared/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { racingAnUncommittedRow } from './support/race.ts';
import { orgInput } from './fixtures/orgs.ts';

let test: TestDatabase;
let db: Database;
let accounts: AccountsService;
const clock = settableClock(new Date('2026-03-02T06:30:00Z'));
let orgA: string;
let orgB: string;

let orgsMade = 0;
/** A fresh organisation: its account-number sequence starts at 1. */
async function newOrg(): Promise<string> {
  const result = await makeOrgsService({ db, clock }).createOrganization(orgInput(`accounts-${(orgsMade += 1)}`));
  if (!result.ok) throw new Error(result.error.map((e) => e.message).join(', '));
  return result.value.id;
}

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  accounts = makeAccountsService({ db, clock });
  orgA = await newOrg();
  orgB = await newOrg();
});
afterAll(() => test.drop());

/** Every error the service hands back, so the last test can check each has its messages. */
const returnedErrors: AppError[] = [];

function errorsOf<T>(result: Result<T, readonly AppError[]>): readonly AppError[] {
  if (result.ok) throw new Error(`expected errors, got ok: ${JSON.stringify(result.value)}`);
  returnedErrors.push(...result.error);
  return result.error;
}

function valueOf<T>(result: Result<T, readonly AppError[]>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.map((e) => e.message).join(', ')}`);
  return result.value;
}

const problems = (errors: readonly AppError[]) => errors.map((e) => ({ code: e.code, field: e.field }));

/** Raw rows in a fresh transaction: what the database holds, not an entity in memory. */
const select = <T>(orgId: string, sql: string, params: unknown[] = []) =>
  db.withTenant(orgId, (em) => em.execute<T[]>(sql, params));

let buildingsMade = 0;
async function newBuilding(orgId: string): Promise<BuildingRow> {
  return valueOf(await accounts.addBuilding(orgId, { address: `г. Пермь, ул. Строителей, д. ${(buildingsMade += 1)}` }));
}

async function newPerson(orgId: string): Promise<string> {
  return valueOf(await accounts.addPerson(orgId, 'Петров Пётр Петрович')).id;
}


describe('buildings and premises', () => {
  it('finds the same building for one address spelled two ways, and a new one for another address', async () => {
    const before = await accounts.countBuildings(orgA);
    const first = valueOf(await accounts.addBuilding(orgA, { address: 'г. Пермь, ул. Ленина, д. 5' }));
    const again = valueOf(await accounts.addBuilding(orgA, { address: 'г Пермь ул Ленина д 5' }));
    const other = valueOf(await accounts.addBuilding(orgA, { address: 'г. Пермь, ул. Ленина, д. 7' }));
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(await accounts.countBuildings(orgA)).toBe(before + 2);
  });

  // A concurrent insert of the same key meets the unique key; the step runs once more and answers as for an existing row.
  it('returns the building a concurrent transaction has just created for the same address, rather than throwing', async (ctx) => {
    if (db.mode !== 'postgres') return ctx.skip();
    const id = '5f0c1a52-7d1e-4d55-9a0c-1d2b3c4d5e6f';
    const outcome = await racingAnUncommittedRow(db, orgA,
      `insert into buildings (id, org_id, address, address_key, created_at) values (?, ?, 'ул. Мира, 1', 'ул мира 1', now())`, [id, orgA],
      () => accounts.addBuilding(orgA, { address: 'ул Мира 1' }));
    expect(outcome).toEqual({ status: 'fulfilled', value: { ok: true, value: expect.objectContaining({ id }) } });
  });

  it.each(['', '   '])('refuses the empty address %j and writes nothing', async (address) => {
    const before = await accounts.countBuildings(orgA);
    const errors = errorsOf(await accounts.addBuilding(orgA, { address }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.ADDRESS_REQUIRED', field: 'address' }]);
    expect(await accounts.countBuildings(orgA)).toBe(before);
  });

  it("stores a premise's area '54,3' exactly as 54.30", async () => {
    const building = await newBuilding(orgA);
    const premise = valueOf(await accounts.addPremise(orgA, { buildingId: building.id, number: '12', area: '54,3' }));
    const [row] = await select<{ area: string }>(orgA, 'select area::text as area from premises where id = ?', [premise.id]);
    expect(row?.area).toBe('54.30');
  });

  it.each(['0', '12.345', '-5', 'abc'])("refuses the area %j, naming the field, and creates no premise", async (area) => {
    const building = await newBuilding(orgA);
    const errors = errorsOf(await accounts.addPremise(orgA, { buildingId: building.id, number: '1', area }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.AREA_INVALID', field: 'area' }]);
    expect(await select(orgA, 'select id from premises where building_id = ?', [building.id])).toHaveLength(0);
  });

  it("refuses a building of another organisation", async () => {
    const foreign = await newBuilding(orgB);
    const errors = errorsOf(await accounts.addPremise(orgA, { buildingId: foreign.id, number: '1', area: '40' }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.BUILDING_NOT_FOUND', field: 'buildingId' }]);
    expect(await select(orgB, 'select id from premises where building_id = ?', [foreign.id])).toHaveLength(0);
  });
});

describe('account numbers', () => {
  it('assigns a 9-digit number with a valid check digit when the customer gave none', async () => {
    const account = valueOf(await accounts.openAccount(orgA, { payerName: 'Иванов И. И.' }));
    expect(account.number).toMatch(/^\d{9}$/);
    expect(isValidAssignedAccountNumber(account.number)).toBe(true);
    const stored = await accounts.findAccountByNumber(orgA, account.number);
    expect(stored).toMatchObject({ id: account.id, numberAssigned: true });
  });

  it('gives consecutive accounts of a new organisation the sequence numbers 1 and 2', async () => {
    const orgId = await newOrg();
    const first = valueOf(await accounts.openAccount(orgId, {}));
    const second = valueOf(await accounts.openAccount(orgId, {}));
    expect([first.number, second.number]).toEqual([formatAssignedAccountNumber(1), formatAssignedAccountNumber(2)]);
  });

  it('gives 50 concurrent openings in one organisation 50 distinct numbers with no gaps', async () => {
    const orgId = await newOrg();
    const results = await Promise.all(Array.from({ length: 50 }, () => accounts.openAccount(orgId, {})));
    const numbers = results.map((r) => valueOf(r).number);
    const expected = Array.from({ length: 50 }, (_, i) => formatAssignedAccountNumber(i + 1));
    expect(new Set(numbers).size).toBe(50);
    expect([...numbers].sort()).toEqual(expected.sort());
    expect(await accounts.countAccounts(orgId)).toBe(50);
  });

  it("keeps the customer's own number as typed, without inner spaces, and marks it not assigned", async () => {
    const account = valueOf(await accounts.openAccount(orgA, { number: ' ЛС 12/3-А ' }));
    expect(account.number).toBe('ЛС12/3-А');
    expect(await accounts.findAccountByNumber(orgA, 'ЛС12/3-А')).toMatchObject({ id: account.id, numberAssigned: false });
  });

  it('refuses a number the organisation already has, naming it, and writes nothing', async () => {
    valueOf(await accounts.openAccount(orgA, { number: '777001' }));
    const before = await accounts.countAccounts(orgA);
    const errors = errorsOf(await accounts.openAccount(orgA, { number: ' 777001 ', payerName: 'Другой' }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.NUMBER_TAKEN', field: 'number' }]);
    expect(errors[0]?.vars).toEqual({ number: '777001' });
    expect(await accounts.countAccounts(orgA)).toBe(before);
  });

  // A concurrent insert of the same key meets the unique key; the step runs once more and answers as for an existing row.
  it('answers ACCOUNTS.NUMBER_TAKEN, rather than throwing, when a concurrent transaction takes the same number first', async (ctx) => {
    if (db.mode !== 'postgres') return ctx.skip();
    const outcome = await racingAnUncommittedRow(db, orgA,
      `insert into accounts (id, org_id, number, created_at, updated_at) values (gen_random_uuid(), ?, 'RACE-1', now(), now())`, [orgA],
      () => accounts.openAccount(orgA, { number: 'RACE-1' }));
    expect(outcome).toEqual({ status: 'fulfilled', value: { ok: false, error: [expect.objectContaining({ code: 'ACCOUNTS.NUMBER_TAKEN' })] } });
  });

  it('skips a number the customer already used when the sequence reaches it', async () => {
    const orgId = await newOrg();
    valueOf(await accounts.openAccount(orgId, { number: formatAssignedAccountNumber(1) }));
    const assigned = valueOf(await accounts.openAccount(orgId, {}));
    expect(assigned).toMatchObject({ number: formatAssignedAccountNumber(2), numberAssigned: true });
  });

  it("lets two organisations both have account '100001'", async () => {
    const inA = valueOf(await accounts.openAccount(orgA, { number: '100001' }));
    const inB = valueOf(await accounts.openAccount(orgB, { number: '100001' }));
    expect(inB.id).not.toBe(inA.id);
    expect((await accounts.findAccountByNumber(orgB, '100001'))?.id).toBe(inB.id);
  });
});

describe('account fields', () => {
  it.each([-1, 100, 1.5])('refuses %d residents and writes nothing', async (residentsCount) => {
    const before = await accounts.countAccounts(orgA);
    const errors = errorsOf(await accounts.openAccount(orgA, { residentsCount }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.RESIDENTS_INVALID', field: 'residentsCount' }]);
    expect(await accounts.countAccounts(orgA)).toBe(before);
  });

  it('accepts 0 and 99 residents', async () => {
    expect(valueOf(await accounts.openAccount(orgA, { residentsCount: 0 })).residentsCount).toBe(0);
    expect(valueOf(await accounts.openAccount(orgA, { residentsCount: 99 })).residentsCount).toBe(99);
  });

  it.each(['12345', '12345678901', '12345абвгд'])('refuses the ЕЛС %j', async (els) => {
    const errors = errorsOf(await accounts.openAccount(orgA, { els }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.ELS_INVALID', field: 'els' }]);
  });

  it('returns bad residents and a bad ЕЛС together', async () => {
    const errors = errorsOf(await accounts.openAccount(orgA, { residentsCount: -1, els: '123' }));
    expect(errors.map((e) => e.field).sort()).toEqual(['els', 'residentsCount']);
  });
});

describe('closing an account', () => {
  it("sets status 'closed' and closedAt to the clock's time, and refuses to close it again", async () => {
    const account = valueOf(await accounts.openAccount(orgA, {}));
    const closedAt = new Date('2026-04-30T21:00:00Z');
    clock.set(closedAt);
    valueOf(await accounts.closeAccount(orgA, account.id));
    const [row] = await select<{ status: string; closed_at: Date }>(orgA, 'select status, closed_at from accounts where id = ?', [account.id]);
    expect(row?.status).toBe('closed');
    expect(new Date(row!.closed_at).toISOString()).toBe(closedAt.toISOString());

    clock.advance(60_000);
    const errors = errorsOf(await accounts.closeAccount(orgA, account.id));
    expect(errors.map((e) => e.code)).toEqual(['ACCOUNTS.ALREADY_CLOSED']);
    expect(errors[0]?.vars).toEqual({ number: account.number });
    const [after] = await select<{ closed_at: Date }>(orgA, 'select closed_at from accounts where id = ?', [account.id]);
    expect(new Date(after!.closed_at).toISOString()).toBe(closedAt.toISOString());
  });

  it('does not close an account of another organisation', async () => {
    const foreign = valueOf(await accounts.openAccount(orgB, {}));
    const errors = errorsOf(await accounts.closeAccount(orgA, foreign.id));
    expect(errors.map((e) => e.code)).toEqual(['ACCOUNTS.NOT_FOUND']);
    expect((await accounts.findAccountByNumber(orgB, foreign.number))?.status).toBe('open');
  });
});

describe('persons and contacts', () => {
  type ContactDbRow = { id: string; value: string; consent_service: boolean; consent_at: Date | null; consent_source: string | null };
  const contactsOf = (orgId: string, personId: string) => select<ContactDbRow>(orgId,
    'select id, value, consent_service, consent_at, consent_source from contacts where person_id = ?', [personId]);

  it("stores the phone '8 (912) 345-67-89' as +79123456789 with the consent's time from the clock and its source", async () => {
    const personId = await newPerson(orgA);
    const consentAt = new Date('2026-05-05T10:15:00Z');
    clock.set(consentAt);
    valueOf(await accounts.upsertContact(orgA, personId, {
      kind: 'phone', value: '8 (912) 345-67-89', consentService: true, consentSource: 'bot:telegram',
    }));
    const rows = await contactsOf(orgA, personId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ value: '+79123456789', consent_service: true, consent_source: 'bot:telegram' });
    expect(new Date(rows[0]!.consent_at!).toISOString()).toBe(consentAt.toISOString());
  });

  it('stamps no consent time when no consent is given', async () => {
    const personId = await newPerson(orgA);
    valueOf(await accounts.upsertContact(orgA, personId, { kind: 'email', value: 'Ivanov@Mail.RU' }));
    expect(await contactsOf(orgA, personId)).toEqual([
      expect.objectContaining({ value: 'ivanov@mail.ru', consent_service: false, consent_at: null }),
    ]);
  });

  it('updates the same contact typed another way instead of adding a second one', async () => {
    const personId = await newPerson(orgA);
    const first = valueOf(await accounts.upsertContact(orgA, personId, { kind: 'phone', value: '8 (912) 345-67-89' }));
    clock.set(new Date('2026-05-06T08:00:00Z'));
    const second = valueOf(await accounts.upsertContact(orgA, personId, {
      kind: 'phone', value: '+7 912 345 67 89', consentService: true, consentSource: 'staff',
    }));
    expect(second.id).toBe(first.id);
    const rows = await contactsOf(orgA, personId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, consent_service: true, consent_source: 'staff' });
    expect(new Date(rows[0]!.consent_at!).toISOString()).toBe('2026-05-06T08:00:00.000Z');
  });

  it('keeps consents that a later update does not state (a re-import must not erase what the bot recorded)', async () => {
    const personId = await newPerson(orgA);
    clock.set(new Date('2026-05-07T09:00:00Z'));
    valueOf(await accounts.upsertContact(orgA, personId, { kind: 'phone', value: '+79120000001', consentService: true, consentSource: 'bot:telegram' }));
    clock.set(new Date('2026-06-01T00:00:00Z'));
    valueOf(await accounts.upsertContact(orgA, personId, { kind: 'phone', value: '8 912 000-00-01' }));
    valueOf(await accounts.upsertContact(orgA, personId, { kind: 'phone', value: '89120000001', consentMarketing: false, consentSource: 'import' }));
    const [row] = await contactsOf(orgA, personId);
    expect(row).toMatchObject({ consent_service: true, consent_source: 'import' });
    expect(new Date(row!.consent_at!).toISOString()).toBe('2026-06-01T00:00:00.000Z');
  });

  it.each([
    { value: '12345', kind: 'phone', code: 'ACCOUNTS.PHONE_INVALID', field: 'phone' },
    { value: '+1 212 555 0100', kind: 'phone', code: 'ACCOUNTS.PHONE_INVALID', field: 'phone' },
    { value: 'ivanov@', kind: 'email', code: 'ACCOUNTS.EMAIL_INVALID', field: 'email' },
    { value: 'ivanov mail.ru', kind: 'email', code: 'ACCOUNTS.EMAIL_INVALID', field: 'email' },
  ] as const)('refuses the $kind $value and stores nothing', async ({ value, kind, code, field }) => {
    const personId = await newPerson(orgA);
    const errors = errorsOf(await accounts.upsertContact(orgA, personId, { kind, value, consentService: true }));
    expect(problems(errors)).toEqual([{ code, field }]);
    expect(await contactsOf(orgA, personId)).toHaveLength(0);
  });
});

describe('identities and account links', () => {
  it('returns the same identity when the same channel and id are linked twice', async () => {
    const personId = await newPerson(orgA);
    const first = valueOf(await accounts.linkIdentity(orgA, personId, { channel: 'telegram', externalId: '100500' }));
    const again = valueOf(await accounts.linkIdentity(orgA, personId, { channel: 'telegram', externalId: ' 100500 ' }));
    expect(again.id).toBe(first.id);
    expect(await select(orgA, `select id from identities where channel = 'telegram' and external_id = '100500'`)).toHaveLength(1);
  });

  it('refuses to move a messenger identity to another person silently', async () => {
    const owner = await newPerson(orgA);
    const stranger = await newPerson(orgA);
    valueOf(await accounts.linkIdentity(orgA, owner, { channel: 'max', externalId: 'max-777' }));
    const errors = errorsOf(await accounts.linkIdentity(orgA, stranger, { channel: 'max', externalId: 'max-777' }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.IDENTITY_LINKED_ELSEWHERE', field: 'externalId' }]);
    expect(await select(orgA, `select person_id from identities where external_id = 'max-777'`)).toEqual([{ person_id: owner }]);
  });

  it('refuses an unknown channel', async () => {
    const personId = await newPerson(orgA);
    const errors = errorsOf(await accounts.linkIdentity(orgA, personId, { channel: 'icq', externalId: '42' }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.CHANNEL_INVALID', field: 'channel' }]);
    expect(await select(orgA, 'select id from identities where person_id = ?', [personId])).toHaveLength(0);
  });

  it('links a person to an account once however often it is asked', async () => {
    const personId = await newPerson(orgA);
    const account = valueOf(await accounts.openAccount(orgA, {}));
    const link = { accountId: account.id, personId, proof: 'staff' as const };
    const first = valueOf(await accounts.linkAccount(orgA, link));
    const again = valueOf(await accounts.linkAccount(orgA, link));
    expect(again.id).toBe(first.id);
    expect(await select(orgA, 'select id from account_links where account_id = ?', [account.id])).toHaveLength(1);
  });

  it('refuses to link an account of another organisation', async () => {
    const personId = await newPerson(orgA);
    const foreign = valueOf(await accounts.openAccount(orgB, {}));
    const errors = errorsOf(await accounts.linkAccount(orgA, { accountId: foreign.id, personId, proof: 'staff' }));
    expect(problems(errors)).toEqual([{ code: 'ACCOUNTS.NOT_FOUND', field: 'accountId' }]);
    expect(await select(orgB, 'select id from account_links where account_id = ?', [foreign.id])).toHaveLength(0);
  });
});

describe('error messages', () => {
  it('gives every error it returned a Russian and an English message with all placeholders filled', () => {
    // The earlier tests returned at least these; fewer means they did not run, and this check would prove nothing.
    expect(new Set(returnedErrors.map((e) => e.code)).size).toBeGreaterThanOrEqual(11);
    for (const error of returnedErrors) {
      for (const locale of ['ru', 'en'] as const) {
        expect(hasMessage(locale, error.code), `${locale} ${error.code}`).toBe(true);
        expect(translate(locale, error.code, error.vars), `${locale} ${error.code}`).not.toMatch(/\{\w+\}/);
      }
    }
  });
});
