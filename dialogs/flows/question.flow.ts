import { EMERGENCY_CATEGORIES, fileAppeal, residentAppeals, saveAppealAttachment, type ResidentAppeal } from '../../core/appeals/index.ts';
import { MAX_FILE_BYTES } from '../../core/documents/index.ts';
import { overLimit, recordHit } from '../../core/payments/index.ts';
import { translate } from '../../core/shared/index.ts';
import { choose, CHOICE, option, say, TEXT, type Flow, type StepInput, type Transition, type Turn } from '../flow.ts';
import type { InboundFile, OutboundIntent } from '../types.ts';
import { currentAccount, orgFacts } from './common.ts';

/** Questions a resident may file per hour: enough for anyone, not enough to flood the staff inbox. */
export const QUESTION_LIMIT = 10;
/** Shorter than this is a slip of the thumb, not a question («ок», «?»). */
export const MIN_APPEAL_TEXT = 3;
const MAX_MB = Math.floor(MAX_FILE_BYTES / (1024 * 1024));

/** What the resident typed or said; keyed digits are not words. */
export function spokenText(input: StepInput): string | null {
  return input.kind === 'text' || input.kind === 'speech' ? input.text.trim() : null;
}

/** Keeps a resident's photo or scan, or says why it was refused (nothing is stored then). */
export async function keepAttachment(turn: Turn, file: InboundFile): Promise<{ ok: true; id: string } | { ok: false; say: OutboundIntent }> {
  const saved = await saveAppealAttachment(turn.em, turn.orgId, { name: file.name, data: file.data }, turn.now);
  if (saved.ok) return { ok: true, id: saved.value };
  return { ok: false, say: saved.error === 'tooLarge' ? say('question.fileTooLarge', { max: MAX_MB }) : say('question.fileType') };
}

const limit = (turn: Turn) => [{ bucket: `appeal:id:${turn.identityId}`, max: QUESTION_LIMIT }];

async function fileQuestion(turn: Turn, text: string, attachments: string[]): Promise<Transition> {
  const account = await currentAccount(turn);
  const appeal = await fileAppeal(turn.em, {
    orgId: turn.orgId, type: 'question', personId: turn.personId, identityId: turn.identityId, channel: turn.channel,
    accountId: account?.id ?? null, text, attachments, now: turn.now,
  });
  await recordHit(turn.em, limit(turn)[0]!.bucket, turn.now);
  return { say: [say(turn.channel === 'voice' ? 'question.filedVoice' : 'question.filed', { number: appeal.number })], to: 'menu' };
}

/** The question itself: typed or spoken, or a file whose caption is the question. */
async function takeQuestion(turn: Turn, input: StepInput): Promise<Transition> {
  if (input.kind === 'choice') {
    const to = { 'q.mine': 'question.mine', 'q.new': 'question.ask', 'q.menu': 'menu' }[input.optionId];
    return to ? { to } : { say: [say('chooseOption')] };
  }
  const text = input.kind === 'file' ? input.caption?.trim() ?? '' : spokenText(input) ?? '';
  if (text.length < MIN_APPEAL_TEXT) return { say: [say(input.kind === 'file' ? 'question.textFirst' : 'question.tooShort')] };
  if (await overLimit(turn.em, limit(turn), turn.now)) return { say: [say('question.tooMany')], to: 'menu' };
  if (input.kind === 'file') {
    const kept = await keepAttachment(turn, input.file);
    return kept.ok ? fileQuestion(turn, text, [kept.id]) : { say: [kept.say] };
  }
  // A call cannot carry a file: the question goes as it was said.
  if (turn.channel === 'voice') return fileQuestion(turn, text, []);
  turn.data.text = text;
  return { to: 'question.attach' };
}

/** «№12 от 26.11.2026 — вопрос: «Когда перерасчёт…» — принято». */
function appealLine(turn: Turn, a: ResidentAppeal, timeZone: string): string {
  const t = (key: string, vars: Record<string, string | number> = {}) => translate(turn.locale, `dialogs.${key}`, vars);
  const category = a.type === 'emergency' && EMERGENCY_CATEGORIES.some((c) => c === a.category) ? t(`emergency.cat.${a.category}`) : null;
  const oneLine = a.text.replace(/\s+/g, ' ');
  return t('question.line', {
    number: a.number,
    date: new Intl.DateTimeFormat(turn.locale === 'en' ? 'en-GB' : 'ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(a.createdAt),
    kind: category ? t('question.emergencyKind', { category: category.toLocaleLowerCase(turn.locale) }) : t(`question.type.${a.type}`),
    text: oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine,
    status: t(`question.status.${a.status}`),
  });
}

export const questionFlow: Flow = {
  name: 'question',
  version: 1,
  start: 'ask',
  steps: {
    ask: {
      async prompt() {
        return { intents: [choose('question.ask', [option('q.mine', 'question.mine'), option('q.menu', 'back')])], expect: TEXT };
      },
      handle: takeQuestion,
    },
    attach: {
      async prompt() {
        return { intents: [choose('question.askAttachment', [option('qa.none', 'question.noAttachment')], { max: MAX_MB })], expect: CHOICE };
      },
      async handle(turn, input) {
        const text = typeof turn.data.text === 'string' ? turn.data.text : '';
        if (!text) return { to: 'question' };
        if (input.kind === 'choice' && input.optionId === 'qa.none') return fileQuestion(turn, text, []);
        if (input.kind !== 'file') return { say: [say('question.fileOrSkip')] };
        const kept = await keepAttachment(turn, input.file);
        return kept.ok ? fileQuestion(turn, text, [kept.id]) : { say: [kept.say] };
      },
    },
    /** «Мои обращения»: the latest five with their status; typing here asks a new question at once. */
    mine: {
      async prompt(turn) {
        const appeals = await residentAppeals(turn.em, turn.orgId, turn.personId, 5);
        const { timeZone } = await orgFacts(turn);
        const list = appeals.length === 0 ? say('question.none') : say('question.list', { lines: appeals.map((a) => appealLine(turn, a, timeZone)).join('\n') });
        return { intents: [list, choose('question.next', [option('q.new', 'question.new'), option('q.menu', 'back')])], expect: CHOICE };
      },
      handle: takeQuestion,
    },
  },
};
