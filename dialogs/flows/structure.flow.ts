import type { LinkedAccount } from '../../core/accounts/index.ts';
import { fileAppeal } from '../../core/appeals/index.ts';
import { groupDebtLines, renderDebtStatement, saveDocumentFile, type DebtStatementLabels, type DebtStructure } from '../../core/documents/index.ts';
import type { Em } from '../../core/infra/database/database.ts';
import { accountDebt } from '../../core/payments/index.ts';
import { localDate, translate, type Locale } from '../../core/shared/index.ts';
import { choose, CHOICE, option, phrase, say, type Flow, type Prompt, type Turn } from '../flow.ts';
import type { DialogChannel, OutboundIntent } from '../types.ts';
import { currentAccount, NEED_ACCOUNT, rub } from './common.ts';
import { monthName } from './debt.flow.ts';

/** Telegram takes 4096 characters a message; the rest of the reply and a margin for the renderer fit in the gap. */
export const STRUCTURE_TEXT_LIMIT = 3500;

export type DebtStructureRequest = {
  readonly orgId: string; readonly personId: string; readonly identityId: string; readonly channel: DialogChannel;
  readonly accountId: string; readonly address: string | null; readonly text: string; readonly now: Date;
};

/**
 * Files a «запрос о структуре задолженности» for staff (core/appeals numbers it per organisation). One open request
 * per resident and account is enough: asking again returns its number instead of filing a second appeal.
 */
export async function fileDebtStructureRequest(em: Em, r: DebtStructureRequest): Promise<{ number: number; existing: boolean }> {
  const [open] = await em.execute<{ number: number }[]>(`select number from appeals where org_id = ? and account_id = ? and person_id = ?
    and type = 'debt_structure' and status in ('new', 'assigned', 'waiting') order by created_at desc limit 1`, [r.orgId, r.accountId, r.personId]);
  if (open) return { number: Number(open.number), existing: true };
  const filed = await fileAppeal(em, {
    orgId: r.orgId, type: 'debt_structure', personId: r.personId, identityId: r.identityId, channel: r.channel,
    accountId: r.accountId, address: r.address, text: r.text, now: r.now,
  });
  return { number: filed.number, existing: false };
}

type Facts = { orgName: string; timeZone: string; names: Map<string, string>; hasCharges: boolean };

async function facts(turn: Turn, accountId: string): Promise<Facts> {
  const [row] = await turn.em.execute<{ name: string; time_zone: string; names: Record<string, string> | null; has_charges: boolean }[]>(
    `select o.name, o.time_zone, (select json_object_agg(s.code, s.name) from services s where s.org_id = o.id) as names,
       exists (select 1 from charges c where c.org_id = o.id and c.account_id = ?) as has_charges
     from organizations o where o.id = ?`, [accountId, turn.orgId]);
  return { orgName: row?.name ?? '', timeZone: row?.time_zone ?? 'Europe/Moscow', names: new Map(Object.entries(row?.names ?? {})), hasCharges: row?.has_charges ?? false };
}

const t = (locale: Locale, key: string, vars: Record<string, string | number> = {}) => translate(locale, `dialogs.structure.${key}`, vars);

/** The structure as text: by service, periods oldest first, penalties named; a summary by service when too long. */
export function structureText(s: DebtStructure, locale: Locale): { text: string; summarised: boolean } {
  const full = s.groups.flatMap((g) => [
    t(locale, 'serviceLine', { service: g.service, amount: rub(g.principal + g.penalty) }),
    ...g.rows.map((r) => {
      const period = monthName(r.period, locale);
      if (r.principal > 0 && r.penalty > 0) return t(locale, 'periodWithPenalty', { period, amount: rub(r.principal), penalty: rub(r.penalty) });
      return r.penalty > 0 ? t(locale, 'periodPenalty', { period, penalty: rub(r.penalty) }) : t(locale, 'periodLine', { period, amount: rub(r.principal) });
    }),
  ]).join('\n');
  if (full.length <= STRUCTURE_TEXT_LIMIT) return { text: full, summarised: false };
  const summary = s.groups.map((g) => t(locale, 'serviceSummary', {
    service: g.service, amount: rub(g.principal), penalty: rub(g.penalty), from: monthName(g.rows[0]!.period, locale), to: monthName(g.rows.at(-1)!.period, locale),
  })).join('\n');
  return { text: summary.slice(0, STRUCTURE_TEXT_LIMIT), summarised: true };
}

/** The account's address with its flat, as a letter would carry it. */
const placeOf = (locale: Locale, account: LinkedAccount): string | null =>
  [account.address, account.premise ? t(locale, 'premise', { premise: account.premise }) : null].filter(Boolean).join(', ') || null;

const LABELS = ['title', 'account', 'address', 'asOf', 'service', 'period', 'principal', 'penalty', 'serviceTotal', 'total', 'totalWithPenalty'] as const;

async function statementDocument(turn: Turn, account: LinkedAccount, f: Facts, s: DebtStructure, date: string): Promise<OutboundIntent> {
  const labels = Object.fromEntries(LABELS.map((k) => [k, t(turn.locale, `pdf.${k}`)])) as DebtStatementLabels;
  const address = placeOf(turn.locale, account);
  const data = await renderDebtStatement({
    orgName: f.orgName, accountNumber: account.number, address, date, structure: s, labels, periodName: (p) => monthName(p, turn.locale),
  });
  const name = `${t(turn.locale, 'fileName', { number: account.number })}.pdf`;
  const fileId = await saveDocumentFile(turn.em, turn.orgId, { kind: 'statement', name, mime: 'application/pdf', data }, turn.now);
  return { type: 'document', name, url: turn.services.fileUrl(turn.orgId, fileId), fileId, caption: phrase('structure.pdfCaption') };
}

/** Staff answer what the data cannot (no charges at all, or the resident doubts the figures). */
async function request(turn: Turn): Promise<Prompt> {
  const account = await currentAccount(turn);
  if (!account) return NEED_ACCOUNT;
  const filed = await fileDebtStructureRequest(turn.em, {
    orgId: turn.orgId, personId: turn.personId, identityId: turn.identityId, channel: turn.channel, accountId: account.id,
    address: placeOf('ru', account), text: translate('ru', 'dialogs.structure.requestText', { number: account.number }), now: turn.now,
  });
  return { intents: [say(filed.existing ? 'structure.requestOpen' : 'structure.requestFiled', { number: filed.number, account: account.number })], then: 'menu' };
}

export const structureFlow: Flow = {
  name: 'structure',
  version: 1,
  start: 'show',
  steps: {
    show: {
      async prompt(turn) {
        const account = await currentAccount(turn);
        if (!account) return NEED_ACCOUNT;
        const f = await facts(turn, account.id);
        if (!f.hasCharges) return { intents: [say('structure.noCharges', { number: account.number })], then: 'structure.request' };
        const debt = await accountDebt(turn.em, turn.orgId, account.id);
        // No lines while the registry shows «to pay» means payments made through us since cover it (accountDebt's
        // rule), not that the figures disagree; a resident who still doubts them can ask staff.
        if (debt.lines.length === 0) {
          return { intents: [choose('structure.none', [option('s.request', 'structure.askStaff'), option('s.menu', 'back')], { number: account.number })], expect: CHOICE };
        }
        const s = groupDebtLines(debt.lines, f.names);
        const date = localDate(turn.now, f.timeZone).split('-').reverse().join('.');
        const body = structureText(s, turn.locale);
        const intents: OutboundIntent[] = [
          say(body.summarised ? 'structure.summary' : 'structure.text', { number: account.number, date, lines: body.text, total: rub(s.total), penalty: rub(s.penalty) }),
          await statementDocument(turn, account, f, s, date),
          choose('structure.next', [option('s.pay', 'menu.pay'), option('s.menu', 'back')]),
        ];
        return { intents, expect: CHOICE };
      },
      async handle(_turn, input) {
        if (input.kind === 'choice' && input.optionId === 's.pay') return { to: 'pay' };
        if (input.kind === 'choice' && input.optionId === 's.request') return { to: 'structure.request' };
        return { to: 'menu' };
      },
    },
    request: {
      prompt: request,
    },
  },
};
