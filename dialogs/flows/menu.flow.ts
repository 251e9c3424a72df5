import { accountsByRecordedPhone, linkResident } from '../../core/accounts/index.ts';
import { choose, CHOICE, option, say, type Flow, type Transition } from '../flow.ts';
import { accountTitle, currentAccount, forgetLinked, linkedOf, orgFacts } from './common.ts';
import type { Turn } from '../flow.ts';

/** Menu items and the flow each opens. Nine at most: the phone robot reads them as keys 1–9. */
const WITH_ACCOUNT = [
  ['m.debt', 'debt'], ['m.pay', 'pay'], ['m.readings', 'readings'], ['m.structure', 'structure'],
  ['m.emergency', 'emergency'], ['m.question', 'question'], ['m.accounts', 'accounts'], ['m.settings', 'settings'], ['m.help', 'menu.help'],
] as const;
const WITHOUT_ACCOUNT = [['m.link', 'link'], ['m.emergency', 'emergency'], ['m.question', 'question'], ['m.settings', 'settings'], ['m.help', 'menu.help']] as const;
const TARGETS: Record<string, string> = Object.fromEntries([...WITH_ACCOUNT, ...WITHOUT_ACCOUNT, ['m.operator', 'menu.operator']]);

/** On a call, help is a person: the last key hands the caller over to the operator. */
const forChannel = (turn: Turn, items: readonly (readonly [string, string])[]) =>
  turn.channel === 'voice' ? items.map(([id, to]) => (id === 'm.help' ? ['m.operator', 'menu.operator'] as const : [id, to] as const)) : items;

/**
 * A phone the channel vouches for (the WhatsApp number, the caller's number, a shared own contact) that the
 * organisation recorded for up to three accounts links them at once: that is the proof `phone_match`. More than
 * three is a shared number (an agency, a company) and proves nothing about one flat.
 */
async function linkByPhone(turn: Turn): Promise<boolean> {
  const phone = turn.phone;
  if (!phone) return false;
  const accounts = await accountsByRecordedPhone(turn.em, turn.orgId, phone);
  if (accounts.length === 0 || accounts.length > 3) return false;
  for (const id of accounts) await linkResident(turn.em, turn.orgId, turn.personId, id, 'phone_match', turn.now);
  forgetLinked(turn);
  return true;
}

export const menuFlow: Flow = {
  name: 'menu',
  version: 1,
  start: 'main',
  steps: {
    main: {
      async prompt(turn) {
        let account = await currentAccount(turn);
        const found = !account && await linkByPhone(turn);
        if (found) account = await currentAccount(turn);
        if (!account) return { intents: [choose('menu.welcome', forChannel(turn, WITHOUT_ACCOUNT).map(([id]) => option(id, `menu.${id.slice(2)}`)))], expect: CHOICE };
        const many = (await linkedOf(turn)).length > 1;
        return {
          intents: [
            ...(found ? [say('menu.foundByPhone')] : []),
            choose(many ? 'menu.titleMany' : 'menu.title', forChannel(turn, WITH_ACCOUNT).map(([id]) => option(id, `menu.${id.slice(2)}`)), { account: accountTitle(account) }),
          ],
          expect: CHOICE,
        };
      },
      async handle(_turn, input): Promise<Transition> {
        if (input.kind === 'choice' && TARGETS[input.optionId]) return { to: TARGETS[input.optionId] };
        return { say: [say('menu.unknown')] };
      },
    },
    operator: {
      async prompt(turn) {
        const { operatorPhone } = await orgFacts(turn);
        if (!operatorPhone) return { intents: [say('menu.noOperator')], then: 'menu.main' };
        return { intents: [{ type: 'transfer', to: operatorPhone, text: { key: 'dialogs.menu.transfer', vars: { phone: operatorPhone } } }], then: 'menu.main' };
      },
    },
    help: {
      async prompt() {
        return { intents: [say('menu.helpText')], then: 'menu.main' };
      },
    },
  },
};
