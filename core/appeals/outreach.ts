import type { Database } from '../infra/database/database.ts';
import type { Mailer } from '../infra/mail/mailer.ts';
import type { SmsSender } from '../infra/sms/sms.port.ts';
import { isLocale, translate, type Clock, type Locale } from '../shared/index.ts';
import { addEvent, notifyStaff } from './appeal-record.ts';
import { markDelivered } from './appeals.service.ts';
import { queueNotifications } from './effects.ts';

export type OutreachDeps = { readonly db: Database; readonly clock: Clock; readonly mailer: Mailer; readonly sms: SmsSender; readonly publicUrl: () => string };

type Answer = { appeal_id: string; number: number; text: string; person_id: string | null; assignee_id: string | null; locale: string; org_name: string; delivered_at: unknown };

/**
 * A staff answer the chat could not deliver: by e-mail, else by SMS, to a contact whose owner agreed to service
 * messages (152-ФЗ; 38-ФЗ forbids nothing here, but we send only with consent). Without one, the appeal says so and
 * the assignee is told to call. Each way is tried once per answer: the delivered mark is the guard.
 */
export async function deliverByFallback(deps: OutreachDeps, orgId: string, messageId: string): Promise<'email' | 'sms' | 'none' | 'already'> {
  const found = await deps.db.withTenant(orgId, async (em) => {
    const [answer] = await em.execute<Answer[]>(
      `select m.appeal_id, a.number, m.text, a.person_id, a.assignee_id, coalesce(p.locale, 'ru') as locale, o.short_name as org_name, m.delivered_at
       from appeal_messages m join appeals a on a.org_id = m.org_id and a.id = m.appeal_id join organizations o on o.id = m.org_id
         left join persons p on p.org_id = a.org_id and p.id = a.person_id
       where m.org_id = ? and m.id = ? and m.author = 'staff' and not m.internal`, [orgId, messageId]);
    if (!answer || !answer.person_id) return answer ? { answer, contacts: [] } : null;
    const contacts = await em.execute<{ kind: 'email' | 'phone'; value: string }[]>(
      `select kind, value from contacts where org_id = ? and person_id = ? and consent_service order by kind = 'email' desc, verified_at desc nulls last, created_at desc`,
      [orgId, answer.person_id]);
    return { answer, contacts };
  });
  if (!found) return 'none';
  const { answer, contacts } = found;
  if (answer.delivered_at) return 'already';
  const locale: Locale = isLocale(answer.locale) ? answer.locale : 'ru';
  const vars = { number: Number(answer.number), text: answer.text, org: answer.org_name };
  for (const contact of contacts) {
    const sent = contact.kind === 'email'
      ? await deps.mailer.send({ to: contact.value, subject: translate(locale, 'appeals.mailSubject', vars), text: translate(locale, 'appeals.mailText', vars) }).then(() => true)
      : (await deps.sms.send({ to: contact.value, text: translate(locale, 'appeals.sms', vars) })).ok;
    if (!sent) continue;
    const via = contact.kind === 'email' ? 'email' : 'sms';
    await deps.db.withTenant(orgId, (em) => markDelivered(em, orgId, messageId, via, deps.clock.now()));
    return via;
  }
  await deps.db.withTenant(orgId, async (em) => {
    const now = deps.clock.now();
    await addEvent(em, { orgId, appealId: answer.appeal_id, kind: 'undelivered', data: { messageId }, now });
    await queueNotifications(em, orgId, await notifyStaff(em, { orgId, appealId: answer.appeal_id, kind: 'undelivered', userIds: [answer.assignee_id], now }), now);
  });
  return 'none';
}

/** A staff notification by e-mail: what happened to which appeal, and the link to it in admin. No resident data. */
export async function mailStaffNotification(deps: Pick<OutreachDeps, 'db' | 'mailer' | 'publicUrl'>, orgId: string, notificationId: string): Promise<boolean> {
  const [row] = await deps.db.withTenant(orgId, (em) => em.execute<{ email: string; kind: string; number: number; appeal_id: string; type: string }[]>(
    `select u.email, n.kind, a.number, a.id as appeal_id, a.type from staff_notifications n join users u on u.id = n.user_id and u.active
       join appeals a on a.org_id = n.org_id and a.id = n.appeal_id
     where n.org_id = ? and n.id = ?`, [orgId, notificationId]));
  if (!row) return false;
  const vars = { number: Number(row.number), type: translate('ru', `appeals.type.${row.type}`), link: `${deps.publicUrl()}/admin/appeals/${row.appeal_id}` };
  await deps.mailer.send({ to: row.email, subject: translate('ru', `appeals.staff.${row.kind}.subject`, vars), text: translate('ru', `appeals.staff.${row.kind}.text`, vars) });
  return true;
}
