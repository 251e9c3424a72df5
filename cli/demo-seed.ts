import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Em } from '../core/infra/database/database.ts';
import { insertOrganization, insertRecipient, insertService, type OrganizationInput } from '../core/orgs/index.ts';
import { ensureBuilding, ensurePremise, openAccount, upsertContact, addPerson, linkAccount } from '../core/accounts/index.ts';
import type { Result } from '../core/shared/index.ts';
import type { App } from './compose.ts';
import { importDemoRegistry } from './demo-registry.ts';

export const DEMO_SLUG = 'demo';

/** Fictitious organisation with requisites that pass every check (Пермь, Sberbank's Perm branch as the bank). */
const DEMO_ORG: OrganizationInput = {
  slug: DEMO_SLUG, category: 'uk', timeZone: 'Asia/Yekaterinburg',
  name: 'ООО «Управляющая компания „Демо“»', shortName: 'УК «Демо»',
  inn: '5902000015', kpp: '590201001', ogrn: '1025900000015',
  bankAccount: '40702810049770000123', bik: '045773603', corrAccount: '30101810900000000603', bankName: 'ЗАПАДНО-УРАЛЬСКИЙ БАНК ПАО СБЕРБАНК',
  commission: { sbp: { mode: 'internal', basisPoints: 60 }, card: { mode: 'external', basisPoints: 150 } },
};
const VODOKANAL = {
  name: 'ООО «Новогор-Прикамье» (водоканал)', inn: '5904000772', kpp: '590401001', ogrn: '1155900000772',
  bankAccount: '40702810949770000456', bik: '045773603', corrAccount: '30101810900000000603', bankName: 'ЗАПАДНО-УРАЛЬСКИЙ БАНК ПАО СБЕРБАНК',
};
const SERVICES = [
  { code: '01', name: 'Содержание жилого помещения', unit: 'м²', kind: 'maintenance', payee: 'uk' },
  { code: '02', name: 'Отопление', unit: 'Гкал', kind: 'heating', payee: 'uk' },
  { code: '03', name: 'Горячее водоснабжение', unit: 'м³', kind: 'hot_water', payee: 'uk' },
  { code: '04', name: 'Обращение с ТКО', unit: 'чел.', kind: 'waste', payee: 'uk' },
  { code: '05', name: 'Холодное водоснабжение', unit: 'м³', kind: 'cold_water', payee: 'water' },
  { code: '06', name: 'Водоотведение', unit: 'м³', kind: 'sewerage', payee: 'water' },
] as const;
const BUILDINGS = ['г. Пермь, ул. Ленина, д. 10', 'г. Пермь, ул. Сибирская, д. 27'];
const FLATS_PER_BUILDING = 100;
const SURNAMES = ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Васильев', 'Петрова', 'Соколов', 'Михайлова', 'Новиков', 'Фёдорова'];
const NAMES = ['Алексей Петрович', 'Мария Ивановна', 'Сергей Николаевич', 'Анна Сергеевна', 'Дмитрий Олегович'];

export type DemoSummary = { created: boolean; orgId: string; name: string; slug: string; recipients: number; services: number; buildings: number; accounts: number };

const must = <T>(r: Result<T, readonly unknown[]>, what: string): T => {
  if (!r.ok) throw new Error(`demo seed: ${what} is invalid: ${JSON.stringify(r.error)}`);
  return r.value;
};

/** Area 30.00–89.99 m² and 1–4 residents, fixed per flat so every run seeds the same data. */
const flatArea = (n: number) => `${30 + ((n * 37) % 60)}.${String((n * 53) % 100).padStart(2, '0')}`;

async function seedInto(em: Em, orgId: string): Promise<Omit<DemoSummary, 'created' | 'orgId' | 'name' | 'slug'>> {
  must(insertOrganization(em, orgId, DEMO_ORG), 'organisation');
  await em.flush();
  // The bots name the dispatcher at once; the phone robot answers +7 342 200-00-00 and hands over to the operator.
  await em.execute(`update organizations set dispatcher_phone = '+73422000112', operator_phone = '+73422000100', voice_number = '+73422000000',
    reading_day_from = 1, reading_day_to = 31 where id = ?`, [orgId]);
  const uk = must(insertRecipient(em, orgId, { ...DEMO_ORG, name: DEMO_ORG.name }), 'recipient УК');
  const water = must(insertRecipient(em, orgId, VODOKANAL), 'recipient водоканал');
  await em.flush();
  for (const s of SERVICES) must(await insertService(em, orgId, { ...s, recipientId: s.payee === 'uk' ? uk.id : water.id }), `service ${s.code}`);
  let accounts = 0;
  for (const [b, address] of BUILDINGS.entries()) {
    const building = must(await ensureBuilding(em, orgId, { address }), 'building');
    await em.flush();
    for (let flat = 1; flat <= FLATS_PER_BUILDING; flat++) {
      const premise = must(await ensurePremise(em, orgId, { buildingId: building.id, number: String(flat), area: flatArea(flat + b * 100) }), 'premise');
      const n = b * FLATS_PER_BUILDING + flat;
      const payerName = `${SURNAMES[n % SURNAMES.length]} ${NAMES[n % NAMES.length]}`;
      // The first house came with the customer's own numbers; the second had none, so FamilyPay assigns them.
      const number = b === 0 ? `10${String(flat).padStart(4, '0')}` : null;
      const account = must(await openAccount(em, orgId, { number, premiseId: premise.id, payerName, residentsCount: 1 + (n % 4) }), 'account');
      accounts++;
      if (flat <= 5) await addDemoContact(em, orgId, account.id, payerName, flat);
    }
  }
  await em.flush();
  await addDemoMeters(em, orgId);
  return { recipients: 2, services: SERVICES.length, buildings: BUILDINGS.length, accounts };
}

/**
 * Hot and cold water meters on every account, with three months of readings (about 8 and 4 m³ a month), so a
 * resident trying the bot can submit a reading and meet its checks (below the last one, far above the average).
 */
async function addDemoMeters(em: Em, orgId: string): Promise<void> {
  await em.execute(`insert into meters (id, org_id, account_id, service_id, number, created_at)
    select gen_random_uuid(), a.org_id, a.id, s.id, case s.code when '05' then 'ХВС-' else 'ГВС-' end || a.number, now()
    from accounts a join services s on s.org_id = a.org_id and s.code in ('03', '05') where a.org_id = ?`, [orgId]);
  await em.execute(`insert into meter_readings (id, org_id, meter_id, period, previous_value, value, read_at, source, created_at)
    select gen_random_uuid(), m.org_id, m.id, (date_trunc('month', now()) - make_interval(months => k))::date,
      base + step * (3 - k) - step, base + step * (3 - k), null, 'import', now()
    from meters m join services s on s.id = m.service_id,
      lateral (select (abs(hashtext(m.number)) % 200)::numeric + 100 as base, case s.code when '05' then 8 else 4 end as step) v,
      generate_series(1, 3) k
    where m.org_id = ?`, [orgId]);
}

/** A few payers with a phone and consent, so later features (bots, notifications) have someone to reach. */
async function addDemoContact(em: Em, orgId: string, accountId: string, fullName: string, flat: number): Promise<void> {
  const person = addPerson(em, orgId, fullName);
  await em.flush();
  must(await upsertContact(em, orgId, person.id, { kind: 'phone', value: `+7900000000${flat}`, consentService: true, consentSource: 'demo' }, new Date()), 'contact');
  must(await linkAccount(em, orgId, { accountId, personId: person.id, relation: 'owner', proof: 'staff' }), 'link');
}

/** Idempotent: an existing demo organisation is reported, never changed; a failed run leaves nothing behind. */
export async function seedDemo(app: Pick<App, 'db' | 'orgs' | 'accounts' | 'registries' | 'clock'>): Promise<DemoSummary> {
  const existing = await app.orgs.orgIdBySlug(DEMO_SLUG);
  if (existing) return describeExisting(app, existing);
  const orgId = randomUUID();
  try {
    const counts = await app.db.withTenant(orgId, (em) => seedInto(em, orgId));
    await importDemoRegistry(app, orgId);
    return { created: true, orgId, name: DEMO_ORG.shortName!, slug: DEMO_SLUG, ...counts };
  } catch (e) {
    // Another process seeded it at the same moment: its slug won, ours rolled back whole.
    const winner = e instanceof UniqueConstraintViolationException ? await app.orgs.orgIdBySlug(DEMO_SLUG) : null;
    if (winner) return describeExisting(app, winner);
    throw e;
  }
}

async function describeExisting(app: Pick<App, 'orgs' | 'accounts'>, orgId: string): Promise<DemoSummary> {
  const [org, recipients, services, buildings, accounts] = await Promise.all([
    app.orgs.getOrganization(orgId), app.orgs.listRecipients(orgId), app.orgs.listServices(orgId),
    app.accounts.countBuildings(orgId), app.accounts.countAccounts(orgId)]);
  return { created: false, orgId, name: org?.shortName ?? DEMO_SLUG, slug: DEMO_SLUG, recipients: recipients.length, services: services.length, buildings, accounts };
}
