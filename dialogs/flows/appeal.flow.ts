import { rateAppeal, residentWrites } from '../../core/appeals/index.ts';
import { isUuid } from '../../core/shared/index.ts';
import { choose, option, say, TEXT, CHOICE, type Flow, type StepInput, type Transition, type Turn } from '../flow.ts';
import { keepAttachment, spokenText } from './question.flow.ts';

/** A rating button: `rt.<score>.<appeal id>` — it means the same under any later message (41 bytes of 64). */
export const ratingOption = (appealId: string, score: number) => `rt.${score}.${appealId}`;
const RATING = /^rt\.([1-5])\.([0-9a-f-]{36})$/;

/** The rating question after an appeal is closed: five buttons (on WhatsApp and by phone: the digits 1–5). */
export function ratingIntents(appealId: string, number: number) {
  return [choose('appeal.rateAsk', [1, 2, 3, 4, 5].map((n) => option(ratingOption(appealId, n), `appeal.score${n}`)), { number })];
}

async function rate(turn: Turn, input: StepInput): Promise<Transition> {
  const match = input.kind === 'choice' ? RATING.exec(input.optionId) : null;
  if (!match) return { say: [say('appeal.rateSkipped')], to: 'menu' };
  const rated = await rateAppeal(turn.em, { orgId: turn.orgId, personId: turn.personId, now: turn.now }, match[2]!, Number(match[1]));
  return { say: [say(rated ? 'appeal.rated' : 'appeal.rateAgain')], to: 'menu' };
}

/** After a staff reply that waits for the resident: what they write next goes to that appeal. */
async function reply(turn: Turn, input: StepInput): Promise<Transition> {
  if (input.kind === 'choice' && input.optionId === 'ap.menu') return { to: 'menu' };
  const appealId = typeof turn.data.appealId === 'string' && isUuid(turn.data.appealId) ? turn.data.appealId : null;
  if (!appealId) return { to: 'menu' };
  const text = input.kind === 'file' ? input.caption?.trim() ?? '' : spokenText(input) ?? '';
  let attachments: string[] = [];
  if (input.kind === 'file') {
    const kept = await keepAttachment(turn, input.file);
    if (!kept.ok) return { say: [kept.say] };
    attachments = [kept.id];
  }
  if (!text && attachments.length === 0) return { say: [say('appeal.replyEmpty')] };
  const written = await residentWrites(turn.em, { orgId: turn.orgId, personId: turn.personId, now: turn.now }, appealId, text || '📎', attachments);
  return { say: [say(written.ok ? 'appeal.replySent' : 'appeal.replyGone', { number: Number(turn.data.number) || 0 })], to: 'menu' };
}

/** Conversations staff start: the rating of a closed appeal, and the resident's answer to a staff question. */
export const appealFlow: Flow = {
  name: 'appeal',
  version: 1,
  start: 'reply',
  anytime: { prefix: 'rt.', step: 'rate' },
  steps: {
    rate: {
      async prompt(turn) {
        return { intents: ratingIntents(String(turn.data.appealId), Number(turn.data.number) || 0), expect: CHOICE };
      },
      handle: rate,
    },
    reply: {
      async prompt(turn) {
        return { intents: [choose('appeal.replyAsk', [option('ap.menu', 'back')], { number: Number(turn.data.number) || 0 })], expect: TEXT };
      },
      handle: reply,
    },
  },
};
