import type { LinkedAccount } from '../../core/accounts/index.ts';
import { EMERGENCY_CATEGORIES, fileAppeal, type EmergencyCategory } from '../../core/appeals/index.ts';
import { MAX_FILE_BYTES } from '../../core/documents/index.ts';
import { choose, CHOICE, literal, option, say, TEXT, type Flow, type Transition, type Turn } from '../flow.ts';
import { accountTitle, currentAccount, orgFacts } from './common.ts';
import { keepAttachment, MIN_APPEAL_TEXT, spokenText } from './question.flow.ts';

/** «ул. Ленина, д. 5» is about the shortest address a dispatcher can drive to. */
const MIN_ADDRESS = 5;
const MAX_MB = Math.floor(MAX_FILE_BYTES / (1024 * 1024));

const categoryOf = (optionId: string): EmergencyCategory | undefined => EMERGENCY_CATEGORIES.find((c) => `e.${c}` === optionId);

/** The place for the dispatcher: the building's address and the flat, without the account number. */
const placeOf = (a: LinkedAccount): string | null => [a.address, a.premise ? `кв. ${a.premise}` : null].filter(Boolean).join(', ') || null;

/**
 * Files the urgent appeal and answers at once with its number and whom to call: the organisation's dispatcher, or
 * 112 when the organisation has not given one (a resident in an emergency must never be left without a number).
 */
async function fileEmergency(turn: Turn, attachments: string[]): Promise<Transition> {
  const category = String(turn.data.category);
  const appeal = await fileAppeal(turn.em, {
    orgId: turn.orgId, type: 'emergency', category, urgent: true, personId: turn.personId, identityId: turn.identityId, channel: turn.channel,
    accountId: typeof turn.data.accountId === 'string' ? turn.data.accountId : null,
    address: typeof turn.data.address === 'string' ? turn.data.address : null,
    text: String(turn.data.text), attachments, now: turn.now,
  });
  const { dispatcherPhone } = await orgFacts(turn);
  return {
    say: [
      say('emergency.filed', { number: appeal.number }),
      dispatcherPhone ? say('emergency.callDispatcher', { phone: dispatcherPhone }) : say('emergency.call112'),
      ...(category === 'gas' ? [say('emergency.gasAgain')] : []),
    ],
    to: 'menu',
  };
}

export const emergencyFlow: Flow = {
  name: 'emergency',
  version: 1,
  start: 'category',
  steps: {
    category: {
      async prompt() {
        const options = [...EMERGENCY_CATEGORIES.map((c) => option(`e.${c}`, `emergency.cat.${c}`)), option('e.menu', 'back')];
        return { intents: [choose('emergency.askCategory', options)], expect: CHOICE };
      },
      async handle(turn, input) {
        if (input.kind === 'choice' && input.optionId === 'e.menu') return { to: 'menu' };
        const category = input.kind === 'choice' ? categoryOf(input.optionId) : undefined;
        if (!category) return { say: [say('chooseOption')] };
        turn.data = { category };
        // Gas: the safety advice comes before any question — nobody should stay indoors typing an address.
        return { say: category === 'gas' ? [say('emergency.gasAdvice')] : [], to: 'emergency.address' };
      },
    },
    address: {
      async prompt(turn) {
        const account = await currentAccount(turn);
        if (!account) return { intents: [], then: 'emergency.typedAddress' };
        const options = [literal('ea.account', accountTitle(account)), option('ea.other', 'emergency.otherAddress'), option('ea.menu', 'back')];
        return { intents: [choose('emergency.askAddress', options)], expect: CHOICE };
      },
      async handle(turn, input) {
        if (input.kind === 'choice') {
          if (input.optionId === 'ea.menu') return { to: 'menu' };
          const account = input.optionId === 'ea.account' ? await currentAccount(turn) : null;
          if (!account) return { to: 'emergency.typedAddress' };
          turn.data.accountId = account.id;
          turn.data.address = placeOf(account);
          return { to: 'emergency.describe' };
        }
        return typedAddress(turn, spokenText(input));
      },
    },
    typedAddress: {
      async prompt() {
        return { intents: [say('emergency.askTypedAddress')], expect: TEXT };
      },
      async handle(turn, input) {
        if (input.kind === 'choice') return { to: 'menu' };
        return typedAddress(turn, spokenText(input));
      },
    },
    describe: {
      async prompt() {
        return { intents: [say('emergency.askDescription')], expect: TEXT };
      },
      async handle(turn, input) {
        if (input.kind === 'choice') return { to: 'menu' };
        // A photo with a caption (the usual way in a messenger) is the description and the photo at once.
        if (input.kind === 'file' && turn.channel !== 'voice') {
          const caption = input.caption?.trim() ?? '';
          if (caption.length < MIN_APPEAL_TEXT) return { say: [say('emergency.textFirst')] };
          const kept = await keepAttachment(turn, input.file);
          if (!kept.ok) return { say: [kept.say] };
          turn.data.text = caption;
          return fileEmergency(turn, [kept.id]);
        }
        const text = spokenText(input);
        if (!text || text.length < MIN_APPEAL_TEXT) return { say: [say('emergency.describeMore')] };
        turn.data.text = text;
        // A call cannot carry a photo: the spoken description is the whole request.
        return turn.channel === 'voice' ? fileEmergency(turn, []) : { to: 'emergency.photo' };
      },
    },
    photo: {
      async prompt() {
        return { intents: [choose('emergency.askPhoto', [option('ep.none', 'emergency.noPhoto')], { max: MAX_MB })], expect: CHOICE };
      },
      async handle(turn, input) {
        if (typeof turn.data.text !== 'string') return { to: 'emergency' };
        if (input.kind === 'choice' && input.optionId === 'ep.none') return fileEmergency(turn, []);
        if (input.kind !== 'file') return { say: [say('emergency.photoOrSkip')] };
        const kept = await keepAttachment(turn, input.file);
        return kept.ok ? fileEmergency(turn, [kept.id]) : { say: [kept.say] };
      },
    },
  },
};

function typedAddress(turn: Turn, text: string | null): Transition {
  if (!text || text.length < MIN_ADDRESS) return { say: [say('emergency.addressShort')], to: 'emergency.typedAddress' };
  turn.data.accountId = null;
  turn.data.address = text.slice(0, 500);
  return { to: 'emergency.describe' };
}
