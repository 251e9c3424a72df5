import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_COMMISSION, MIN_PASSWORD_LENGTH, makeOrgsService, verifyPassword,
  type FieldErrors, type OrganizationInput, type OrgsService,
} from '../core/orgs/index.ts';
import { hasMessage, systemClock, translate, type AppError, type Result } from '../core/shared/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { racingAnUncommittedRow } from './support/race.ts';
import { orgInput } from './fixtures/orgs.ts';

let test: TestDatabase;
let db: Database;
let orgs: OrgsService;

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  orgs = makeOrgsService({ db, clock: systemClock });
});
afterAll(() => test.drop());

/** Every error the service hands back, so the last test can check each has its messages. */
const returnedErrors: AppError[] = [];

function errorsOf<T>(result: Result<T, FieldErrors>): readonly AppError[] {
  if (result.ok) throw new Error(`expected errors, got ok: ${JSON.stringify(result.value)}`);
  returnedErrors.push(...result.error);
  return result.error;
}

function valueOf<T>(result: Result<T, FieldErrors>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.map((e) => e.message).join(', ')}`);
  return result.value;
}

const problems = (errors: readonly AppError[]) => errors.map((e) => ({ code: e.code, field: e.field }));

async function createOrg(slug: string, overrides: Partial<OrganizationInput> = {}): Promise<string> {
  return valueOf(await orgs.createOrganization(orgInput(slug, overrides))).id;
}

/** Read back in a fresh transaction, so assertions see what the database holds, not an entity in memory. */
async function storedOrg(orgId: string) {
  const org = await orgs.getOrganization(orgId);
  if (!org) throw new Error(`organisation ${orgId} not found`);
  return org;
}

const userRows = (email: string) => db.withoutTenant((em) =>
  em.execute<{ id: string; email: string; password_hash: string }[]>('select id, email, password_hash from users where email = ?', [email]));

const rolesOf = (orgId: string, userId: string) => db.withTenant(orgId, async (em) =>
  (await em.execute<{ role: string }[]>('select role from memberships where user_id = ?', [userId])).map((r) => r.role));

// Sberbank (BIK 044525225) with the control key digit (9th) changed from 9 to 0.
const ACCOUNT_WITH_BAD_KEY = '40702810038000000001';


describe('creating an organisation', () => {
  it('stores requisites without the spaces people paste, the default commission and Moscow time', async () => {
    const id = await createOrg('spaced', {
      inn: ' 7707 083 893 ',
      kpp: '7736 01 001',
      ogrn: '1 027700 132195',
      bankAccount: '40702 810 9 38000000001',
      bik: '04\u00a045 25 225',
      corrAccount: '30101 810 4 00000000225',
    });
    const org = await storedOrg(id);
    expect(org).toMatchObject({
      slug: 'spaced',
      inn: '7707083893',
      kpp: '773601001',
      ogrn: '1027700132195',
      bankAccount: '40702810938000000001',
      bik: '044525225',
      corrAccount: '30101810400000000225',
      timeZone: 'Europe/Moscow',
    });
    expect(org.commission).toEqual(DEFAULT_COMMISSION);
    expect(await orgs.orgIdBySlug('spaced')).toBe(id);
  });

  it('keeps a time zone and a commission it was given, filling only the missing method with the default', async () => {
    const id = await createOrg('perm-tz', {
      timeZone: 'Asia/Yekaterinburg',
      commission: { card: { mode: 'external', basisPoints: 150 } },
    });
    const org = await storedOrg(id);
    expect(org.timeZone).toBe('Asia/Yekaterinburg');
    expect(org.commission).toEqual({ sbp: DEFAULT_COMMISSION.sbp, card: { mode: 'external', basisPoints: 150 } });
  });

  it.each([
    { problem: 'an ИНН with a wrong check digit', slug: 'bad-inn', overrides: { inn: '7707083894' }, code: 'ORGS.INN_INVALID', field: 'inn' },
    { problem: 'a settlement account whose control key does not hold', slug: 'bad-key', overrides: { bankAccount: ACCOUNT_WITH_BAD_KEY },
      code: 'ORGS.ACCOUNT_INVALID', field: 'bankAccount' },
    { problem: 'a БИК that does not start with 04', slug: 'bad-bik', overrides: { bik: '054525225' }, code: 'ORGS.BIK_INVALID', field: 'bik' },
    { problem: 'a slug with capitals and spaces', slug: 'Bad Slug!', overrides: {}, code: 'ORGS.SLUG_INVALID', field: 'slug' },
    { problem: 'an unknown category', slug: 'bad-category', overrides: { category: 'bank' }, code: 'ORGS.CATEGORY_INVALID', field: 'category' },
    { problem: 'an unknown time zone', slug: 'bad-tz', overrides: { timeZone: 'Europe/Moskva' }, code: 'ORGS.TIMEZONE_INVALID', field: 'timeZone' },
  ] as const)('refuses $problem, naming the field, and writes nothing', async ({ slug, overrides, code, field }) => {
    const errors = errorsOf(await orgs.createOrganization(orgInput(slug, overrides)));
    expect(problems(errors)).toContainEqual({ code, field });
    // Nothing else is wrong with the form, so no error may name another field.
    expect(new Set(errors.map((e) => e.field))).toEqual(new Set([field]));
    expect(await orgs.orgIdBySlug(slug)).toBeNull();
  });

  it('reports a bad БИК once, though the account checks depend on it too', async () => {
    const errors = errorsOf(await orgs.createOrganization(orgInput('bik-once', { bik: '054525225' })));
    expect(problems(errors)).toEqual([{ code: 'ORGS.BIK_INVALID', field: 'bik' }]);
  });

  it('stores the canonical spelling of a time zone typed in another case', async () => {
    const id = await createOrg('tz-case', { timeZone: 'europe/MOSCOW' });
    expect((await storedOrg(id)).timeZone).toBe('Europe/Moscow');
  });

  it('names the unknown time zone in the message', async () => {
    const [error] = errorsOf(await orgs.createOrganization(orgInput('tz-named', { timeZone: 'Mars/Olympus' })));
    expect(error?.vars).toEqual({ value: 'Mars/Olympus' });
    expect(translate('ru', error!.code, error!.vars)).toContain('Mars/Olympus');
  });

  it('returns a bad ИНН and a bad slug together, and writes nothing', async () => {
    const errors = errorsOf(await orgs.createOrganization(orgInput('Two Problems', { inn: '7707083894' })));
    expect(problems(errors)).toHaveLength(2);
    expect(problems(errors)).toEqual(expect.arrayContaining([
      { code: 'ORGS.INN_INVALID', field: 'inn' },
      { code: 'ORGS.SLUG_INVALID', field: 'slug' },
    ]));
    expect(await orgs.orgIdBySlug('Two Problems')).toBeNull();
  });

  it('returns every problem of a form with five mistakes in one answer', async () => {
    const errors = errorsOf(await orgs.createOrganization(orgInput('five-mistakes', {
      inn: '7707083894', bankAccount: ACCOUNT_WITH_BAD_KEY, category: 'bank', timeZone: 'Europe/Moskva', name: '  ', shortName: 'УК',
    })));
    expect(errors.map((e) => e.field).sort()).toEqual(['bankAccount', 'category', 'inn', 'name', 'timeZone']);
    expect(await orgs.orgIdBySlug('five-mistakes')).toBeNull();
  });

  it('refuses a second organisation with a taken slug and leaves the first as it was', async () => {
    const firstId = await createOrg('taken');
    const errors = errorsOf(await orgs.createOrganization(orgInput('taken', { name: 'ТСЖ «Захватчик»', inn: '7736050003' })));
    expect(problems(errors)).toEqual([{ code: 'ORGS.SLUG_TAKEN', field: 'slug' }]);
    expect(errors[0]?.vars).toEqual({ slug: 'taken' });
    expect(await orgs.orgIdBySlug('taken')).toBe(firstId);
    expect(await storedOrg(firstId)).toMatchObject({ name: 'ООО «Управляющая компания taken»', inn: '7707083893' });
  });

  it('lets exactly one of two concurrent creations with the same slug succeed', async () => {
    const results = await Promise.all([
      orgs.createOrganization(orgInput('race')),
      orgs.createOrganization(orgInput('race', { name: 'ТСЖ «Второй»' })),
    ]);
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers.flatMap((r) => problems(errorsOf(r)))).toEqual([{ code: 'ORGS.SLUG_TAKEN', field: 'slug' }]);
    expect(await orgs.orgIdBySlug('race')).toBe(valueOf(winners[0]!).id);
  });
  it('answers ORGS.SLUG_TAKEN, rather than throwing, when a concurrent transaction takes the slug first', async (ctx) => {
    if (db.mode !== 'postgres') return ctx.skip();
    const firstId = randomUUID();
    const outcome = await racingAnUncommittedRow(db, firstId,
      `insert into organizations (id, slug, name, short_name, category, inn, bank_account, bik, corr_account, bank_name, commission,
         created_at, updated_at) values (?, 'raced', 'ТСЖ «Первое»', 'ТСЖ', 'tszh', '7707083893', '40702810938000000001', '044525225',
         '30101810400000000225', 'ПАО Сбербанк', '{}', now(), now())`, [firstId],
      () => orgs.createOrganization(orgInput('raced')));
    expect(outcome).toEqual({ status: 'fulfilled', value: { ok: false, error: [expect.objectContaining({ code: 'ORGS.SLUG_TAKEN', field: 'slug' })] } });
    expect(await orgs.orgIdBySlug('raced')).toBe(firstId);
  });
});

describe('changing requisites and commission', () => {
  // ВТБ (БИК 044525187); the settlement account's key digit was computed for that БИК.
  const vtb = {
    inn: '7736 050 003', kpp: '772801001', ogrn: '1027700070518',
    bankAccount: '40702 810 7 00000012345', bik: '044525187', corrAccount: '30101810700000000187', bankName: 'Банк ВТБ (ПАО)',
  };

  it('stores new requisites once they are valid', async () => {
    const id = await createOrg('new-bank');
    valueOf(await orgs.updateRequisites(id, vtb));
    expect(await storedOrg(id)).toMatchObject({
      inn: '7736050003', kpp: '772801001', ogrn: '1027700070518',
      bankAccount: '40702810700000012345', bik: '044525187', corrAccount: '30101810700000000187', bankName: 'Банк ВТБ (ПАО)',
    });
  });

  it('refuses invalid requisites, naming each field, and keeps the old ones', async () => {
    const id = await createOrg('keeps-bank');
    const errors = errorsOf(await orgs.updateRequisites(id, { ...vtb, inn: '7736050004', bankAccount: '40702810000000012345' }));
    expect(problems(errors)).toEqual(expect.arrayContaining([
      { code: 'ORGS.INN_INVALID', field: 'inn' },
      { code: 'ORGS.ACCOUNT_INVALID', field: 'bankAccount' },
    ]));
    expect(errors).toHaveLength(2);
    expect(await storedOrg(id)).toMatchObject({ inn: '7707083893', bik: '044525225', bankAccount: '40702810938000000001' });
  });

  it('answers ORGS.NOT_FOUND for an organisation that does not exist', async () => {
    const errors = errorsOf(await orgs.updateRequisites('00000000-0000-4000-8000-000000000000', vtb));
    expect(errors.map((e) => e.code)).toEqual(['ORGS.NOT_FOUND']);
  });

  let feeOrgs = 0;
  it.each([
    { rule: { mode: 'internal', basisPoints: -1 } },
    { rule: { mode: 'internal', basisPoints: 10_001 } },
    { rule: { mode: 'internal', basisPoints: 1.5 } },
    { rule: { mode: 'other', basisPoints: 100 } },
  ] as const)('refuses the sbp commission $rule.mode $rule.basisPoints bp and keeps the old one', async ({ rule }) => {
    const id = await createOrg(`bad-fee-${(feeOrgs += 1)}`);
    const errors = errorsOf(await orgs.setCommission(id, 'sbp', rule as never));
    expect(problems(errors)).toEqual([{ code: 'ORGS.COMMISSION_INVALID', field: 'commission.sbp' }]);
    expect((await storedOrg(id)).commission).toEqual(DEFAULT_COMMISSION);
  });

  it('accepts an external 100 bp card commission and keeps the sbp rule as it was', async () => {
    const sbp = { mode: 'external', basisPoints: 40 } as const;
    const id = await createOrg('card-fee', { commission: { sbp } });
    valueOf(await orgs.setCommission(id, 'card', { mode: 'external', basisPoints: 100 }));
    expect((await storedOrg(id)).commission).toEqual({ sbp, card: { mode: 'external', basisPoints: 100 } });
  });

  it('accepts the bounds 0 and 10 000 bp', async () => {
    const id = await createOrg('fee-bounds');
    valueOf(await orgs.setCommission(id, 'sbp', { mode: 'internal', basisPoints: 0 }));
    valueOf(await orgs.setCommission(id, 'card', { mode: 'internal', basisPoints: 10_000 }));
    expect((await storedOrg(id)).commission).toEqual({
      sbp: { mode: 'internal', basisPoints: 0 }, card: { mode: 'internal', basisPoints: 10_000 },
    });
  });
});

describe('recipients and services', () => {
  let orgA: string;
  let orgB: string;
  let recipientA: string;
  let recipientB: string;
  const water = (recipientId: string, code = 'HVS') => ({ code, name: 'Холодная вода', unit: 'м³', kind: 'cold_water', recipientId });

  beforeAll(async () => {
    orgA = await createOrg('services-a');
    orgB = await createOrg('services-b');
    recipientA = valueOf(await orgs.addRecipient(orgA, { ...orgInput('services-a'), name: 'МУП «Водоканал»' })).id;
    recipientB = valueOf(await orgs.addRecipient(orgB, { ...orgInput('services-b'), name: 'МУП «Водоканал»' })).id;
  });

  it('refuses a service code the organisation already uses', async () => {
    valueOf(await orgs.addService(orgA, water(recipientA)));
    const errors = errorsOf(await orgs.addService(orgA, { ...water(recipientA, ' HVS '), name: 'Вода ещё раз' }));
    expect(problems(errors)).toEqual([{ code: 'ORGS.SERVICE_CODE_TAKEN', field: 'code' }]);
    expect(errors[0]?.vars).toEqual({ code: 'HVS' });
    expect((await orgs.listServices(orgA)).map((s) => s.name)).toEqual(['Холодная вода']);
  });

  it('allows the same service code in another organisation', async () => {
    valueOf(await orgs.addService(orgB, water(recipientB)));
    expect((await orgs.listServices(orgB)).map((s) => s.code)).toEqual(['HVS']);
  });

  it("refuses a recipient of another organisation and creates no service", async () => {
    const errors = errorsOf(await orgs.addService(orgA, water(recipientB, 'GVS')));
    expect(problems(errors)).toEqual([{ code: 'ORGS.RECIPIENT_NOT_FOUND', field: 'recipientId' }]);
    expect((await orgs.listServices(orgA)).map((s) => s.code)).not.toContain('GVS');
  });

  it('refuses a recipient with a bad ИНН and without a name, naming both fields', async () => {
    const errors = errorsOf(await orgs.addRecipient(orgA, { ...orgInput('x'), inn: '7707083894', name: ' ' }));
    expect(errors.map((e) => e.field).sort()).toEqual(['inn', 'name']);
    expect(await orgs.listRecipients(orgA)).toHaveLength(1);
  });
});

describe('changes made together', () => {
  const actor = { userId: null, label: 'test' };
  it('saves both commission rules or neither', async () => {
    const id = await createOrg('both-rules');
    const before = (await storedOrg(id)).commission;
    const errors = errorsOf(await orgs.setCommissions(id, { sbp: { mode: 'external', basisPoints: 50 }, card: { mode: 'internal', basisPoints: 20_000 } }, actor));
    expect(errors.map((e) => e.field)).toEqual(['commission.card']);
    expect((await storedOrg(id)).commission).toEqual(before);
    valueOf(await orgs.setCommissions(id, { sbp: { mode: 'external', basisPoints: 50 }, card: { mode: 'internal', basisPoints: 120 } }, actor));
    expect((await storedOrg(id)).commission).toEqual({ sbp: { mode: 'external', basisPoints: 50 }, card: { mode: 'internal', basisPoints: 120 } });
  });

  it('records who created an organisation in its own audit log', async () => {
    const created = valueOf(await orgs.createOrganization(orgInput('audited-org'), { userId: null, label: 'operator@familypay.ru' }));
    const rows = await db.withTenant(created.id, (em) => em.execute<{ action: string; actor_label: string }[]>('select action, actor_label from audit_log'));
    expect(rows).toEqual([{ action: 'organization.create', actor_label: 'operator@familypay.ru' }]);
  });

  it('refuses a deactivated recipient for a new service, and keeps it for services that had it', async () => {
    const id = await createOrg('inactive-payee');
    const payee = valueOf(await orgs.addRecipient(id, { ...orgInput('inactive-payee'), name: 'Старый водоканал' }));
    const service = valueOf(await orgs.addService(id, { code: 'OLD', name: 'Вода', unit: 'м³', kind: 'cold_water', recipientId: payee.id }));
    valueOf(await orgs.setRecipientActive(id, payee.id, false, actor));
    const refused = errorsOf(await orgs.addService(id, { code: 'NEW', name: 'Вода', unit: 'м³', kind: 'cold_water', recipientId: payee.id }));
    expect(refused.map((e) => [e.code, e.field])).toEqual([['ORGS.RECIPIENT_INACTIVE', 'recipientId']]);
    valueOf(await orgs.updateService(id, service.id, { name: 'Холодная вода', unit: 'м³', kind: 'cold_water', recipientId: payee.id }, actor));
  });
});

describe('staff users', () => {
  let orgA: string;
  let orgB: string;
  const password = 'correct horse battery';

  beforeAll(async () => {
    orgA = await createOrg('staff-a');
    orgB = await createOrg('staff-b');
  });

  it('stores a lower-cased e-mail and an scrypt hash that verifies only the right password', async () => {
    const user = valueOf(await orgs.addStaffUser(orgA, { email: ' Boss@Staff-A.Test ', fullName: 'Иванова А. П.', password }, 'admin'));
    expect(user.email).toBe('boss@staff-a.test');
    const [row] = await userRows('boss@staff-a.test');
    expect(row?.id).toBe(user.id);
    expect(row!.password_hash).not.toContain(password);
    expect(row!.password_hash.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword(password, row!.password_hash)).toBe(true);
    expect(await verifyPassword('correct horse battery!', row!.password_hash)).toBe(false);
  });

  it('refuses the same e-mail twice in one organisation, whatever its case', async () => {
    const first = valueOf(await orgs.addStaffUser(orgA, { email: 'twice@staff-a.test', fullName: 'Петров', password }, 'operator'));
    const errors = errorsOf(await orgs.addStaffUser(orgA, { email: 'TWICE@staff-a.test', fullName: 'Петров', password }, 'admin'));
    expect(problems(errors)).toEqual([{ code: 'ORGS.EMAIL_TAKEN', field: 'email' }]);
    expect(await rolesOf(orgA, first.id)).toEqual(['operator']);
  });

  it('adds the same person to a second organisation with another role: one user, two memberships', async () => {
    const inA = valueOf(await orgs.addStaffUser(orgA, { email: 'shared@staff.test', fullName: 'Сидорова', password }, 'accountant'));
    const inB = valueOf(await orgs.addStaffUser(orgB, { email: 'shared@staff.test', fullName: 'Сидорова', password }, 'lawyer'));
    expect(inB.id).toBe(inA.id);
    expect(await userRows('shared@staff.test')).toHaveLength(1);
    expect(await rolesOf(orgA, inA.id)).toEqual(['accountant']);
    expect(await rolesOf(orgB, inA.id)).toEqual(['lawyer']);
  });

  it('refuses a password one character shorter than the minimum and accepts one of exactly the minimum', async () => {
    const errors = errorsOf(await orgs.addStaffUser(orgA,
      { email: 'short@staff-a.test', fullName: 'Коротков', password: 'x'.repeat(MIN_PASSWORD_LENGTH - 1) }, 'operator'));
    expect(problems(errors)).toEqual([{ code: 'ORGS.PASSWORD_TOO_SHORT', field: 'password' }]);
    expect(errors[0]?.vars).toEqual({ min: MIN_PASSWORD_LENGTH });
    expect(await userRows('short@staff-a.test')).toHaveLength(0);
    valueOf(await orgs.addStaffUser(orgA,
      { email: 'short@staff-a.test', fullName: 'Коротков', password: 'x'.repeat(MIN_PASSWORD_LENGTH) }, 'operator'));
  });

  it.each(['ivanov', 'ivanov@mail', 'iva nov@mail.ru', '@mail.ru'])('refuses the e-mail %j and creates no user', async (email) => {
    const errors = errorsOf(await orgs.addStaffUser(orgA, { email, fullName: 'Иванов', password }, 'operator'));
    expect(problems(errors)).toEqual([{ code: 'ORGS.EMAIL_INVALID', field: 'email' }]);
    expect(await userRows(email.trim().toLowerCase())).toHaveLength(0);
  });
});

describe('error messages', () => {
  it('gives every error it returned a Russian and an English message with all placeholders filled', () => {
    // The earlier tests returned at least these; fewer means they did not run, and this check would prove nothing.
    expect(new Set(returnedErrors.map((e) => e.code)).size).toBeGreaterThanOrEqual(14);
    for (const error of returnedErrors) {
      for (const locale of ['ru', 'en'] as const) {
        expect(hasMessage(locale, error.code), `${locale} ${error.code}`).toBe(true);
        const text = translate(locale, error.code, error.vars);
        expect(text, `${locale} ${error.code}`).not.toMatch(/\{\w+\}/);
      }
    }
  });
});
