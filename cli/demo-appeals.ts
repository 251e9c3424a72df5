import { randomUUID } from 'node:crypto';
import type { App } from './compose.ts';
import { DEMO_ADMIN_EMAIL } from './demo-admin.ts';

/** Ready answers a demo operator can pick from. */
const CANNED = [
  ['Заявка принята', 'Здравствуйте! Ваша заявка принята, мастер свяжется с вами в течение рабочего дня.'],
  ['Перерасчёт', 'Здравствуйте! Перерасчёт будет выполнен в следующем платёжном документе.'],
  ['Показания приняты', 'Здравствуйте! Показания счётчиков приняты и будут учтены при начислении.'],
] as const;

/**
 * The demo organisation's appeal desk: an emergency dispatch team and a customer desk, both with the demo
 * administrator on duty (and as the dispatch lead), emergencies routed to dispatch and everything else to the desk,
 * and a few canned answers. An emergency filed in the demo web chat lands in the administrator's inbox at once;
 * untaken for 5 minutes it is escalated. Runs once: an organisation with teams is left as it is.
 */
export async function ensureDemoAppeals(app: Pick<App, 'db' | 'orgs' | 'clock'>, orgId: string): Promise<void> {
  const admin = (await app.orgs.listStaff(orgId)).find((m) => m.email === DEMO_ADMIN_EMAIL);
  if (!admin) return;
  await app.db.withTenant(orgId, async (em) => {
    const [existing] = await em.execute('select 1 from teams where org_id = ? limit 1', [orgId]);
    if (existing) return;
    const now = app.clock.now();
    const dispatch = randomUUID();
    const desk = randomUUID();
    await em.execute(`insert into teams (id, org_id, name, lead_id, created_at) values (?, ?, 'Аварийно-диспетчерская служба', ?, ?), (?, ?, 'Абонентский отдел', ?, ?)`,
      [dispatch, orgId, admin.userId, now, desk, orgId, admin.userId, now]);
    await em.execute('insert into team_members (team_id, user_id, org_id, on_duty) values (?, ?, ?, true), (?, ?, ?, true)', [dispatch, admin.userId, orgId, desk, admin.userId, orgId]);
    await em.execute(`insert into routing_rules (id, org_id, position, type, category, building_id, team_id, auto_assign) values
      (?, ?, 1, 'emergency', null, null, ?, true), (?, ?, 2, null, null, null, ?, true)`, [randomUUID(), orgId, dispatch, randomUUID(), orgId, desk]);
    for (const [title, text] of CANNED) {
      await em.execute('insert into canned_answers (id, org_id, title, text, created_at) values (?, ?, ?, ?, ?)', [randomUUID(), orgId, title, text, now]);
    }
  });
}
