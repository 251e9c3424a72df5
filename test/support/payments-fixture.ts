import { randomUUID } from 'node:crypto';
import type { Database } from '../../core/infra/database/database.ts';
import { makeOrgsService, type CommissionRule } from '../../core/orgs/index.ts';
import { systemClock } from '../../core/shared/index.ts';
import { orgInput } from '../fixtures/orgs.ts';

export type PaymentsOrg = {
  readonly orgId: string;
  readonly recipients: readonly string[];
  readonly services: readonly { id: string; code: string; recipientId: string }[];
  readonly accounts: readonly { id: string; number: string }[];
};

export type PaymentsOrgOptions = {
  readonly accounts?: number;
  readonly services?: number;
  readonly commission?: { sbp?: CommissionRule; card?: CommissionRule };
  readonly splitRule?: 'proportional' | 'oldestFirst' | 'fixedShares';
  /** When the charges were loaded (the registry's moment); payments after it reduce the debt. */
  readonly chargedAt?: Date;
};

/**
 * An organisation with two recipients, 3–6 services (alternating recipients), accounts and one month of charges
 * per account and service (opening balance, accrual, partial payment, penalty) — written by SQL in one tenant
 * transaction, fast enough for the notification tests and the benchmark.
 */
export async function makePaymentsOrg(db: Database, slug: string, options: PaymentsOrgOptions = {}): Promise<PaymentsOrg> {
  const orgs = makeOrgsService({ db, clock: systemClock });
  const created = await orgs.createOrganization(orgInput(slug, options.commission ? { commission: options.commission } : {}));
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const orgId = created.value.id;
  const recipients: string[] = [];
  for (const name of ['ООО «УК»', 'МУП «Водоканал»']) {
    const r = await orgs.addRecipient(orgId, { ...orgInput(slug), name });
    if (!r.ok) throw new Error('recipient');
    recipients.push(r.value.id);
  }
  const codes = ['SOD', 'HVS', 'GVS', 'VOD', 'OTOP', 'TKO'].slice(0, options.services ?? 4);
  const services: { id: string; code: string; recipientId: string }[] = [];
  for (const [i, code] of codes.entries()) {
    const s = await orgs.addService(orgId, { code, name: `Услуга ${code}`, unit: 'руб', kind: 'other', recipientId: recipients[i % 2]! });
    if (!s.ok) throw new Error(`service ${code}`);
    services.push({ id: s.value.id, code, recipientId: recipients[i % 2]! });
  }
  const chargedAt = options.chargedAt ?? new Date(Date.now() - 86_400_000);
  const accounts = Array.from({ length: options.accounts ?? 10 }, (_, i) => ({ id: randomUUID(), number: String(500_000 + i) }));
  await db.withTenant(orgId, async (em) => {
    if (options.splitRule) await em.execute('update organizations set split_rule = ? where id = ?', [options.splitRule, orgId]);
    const buildingId = randomUUID();
    await em.execute(`insert into buildings (id, org_id, address, address_key, created_at) values (?, ?, 'г. Пермь, ул. Ленина, д. 10', 'пермь ленина 10', now())`, [buildingId, orgId]);
    for (const chunk of chunks(accounts, 500)) {
      const premises = chunk.map((a) => [randomUUID(), orgId, buildingId, String(Number(a.number) - 499_999), a]);
      await em.execute(`insert into premises (id, org_id, building_id, number, created_at) values ${premises.map(() => '(?, ?, ?, ?, now())').join(', ')}`,
        premises.flatMap((p) => p.slice(0, 4)));
      await em.execute(`insert into accounts (id, org_id, number, premise_id, payer_name, created_at, updated_at) values ${chunk.map(() => `(?, ?, ?, ?, 'Петрова Анна Сергеевна', now(), now())`).join(', ')}`,
        premises.flatMap((p) => [(p[4] as { id: string }).id, orgId, (p[4] as { number: string }).number, p[0]]));
      const charges = chunk.flatMap((a, ai) => services.map((s, si) => {
        const accrued = 50_000 + ((ai * 7919 + si * 104_729) % 300_000);
        const opening = (ai + si) % 3 === 0 ? 20_000 + si * 1_000 : 0;
        const penalty = (ai + si) % 5 === 0 ? 1_234 : 0;
        return [a.id, s.id, orgId, opening, accrued, 0, opening + accrued, penalty, chargedAt];
      }));
      await em.execute(
        `insert into charges (account_id, service_id, period, org_id, opening_balance, accrued, paid, to_pay, penalty, source, updated_at)
         values ${charges.map(() => `(?, ?, date '2026-10-01', ?, ?, ?, ?, ?, ?, 'import', ?)`).join(', ')}`, charges.flat());
    }
  });
  return { orgId, recipients, services, accounts };
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
