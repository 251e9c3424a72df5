import { linkedAccounts } from '../../core/accounts/index.ts';
import { choose, CHOICE, option, say, type Flow, type Transition } from '../flow.ts';
import { accountTitle, currentAccount } from './common.ts';

/** Menu items and the flow each opens. Nine at most: the phone robot reads them as keys 1–9. */
const WITH_ACCOUNT = [
  ['m.debt', 'debt'], ['m.pay', 'pay'], ['m.readings', 'readings'], ['m.structure', 'structure'],
  ['m.emergency', 'emergency'], ['m.question', 'question'], ['m.accounts', 'accounts'], ['m.settings', 'settings'], ['m.help', 'menu.help'],
] as const;
const WITHOUT_ACCOUNT = [['m.link', 'link'], ['m.emergency', 'emergency'], ['m.question', 'question'], ['m.settings', 'settings'], ['m.help', 'menu.help']] as const;
const TARGETS: Record<string, string> = Object.fromEntries([...WITH_ACCOUNT, ...WITHOUT_ACCOUNT]);

export const menuFlow: Flow = {
  name: 'menu',
  version: 1,
  start: 'main',
  steps: {
    main: {
      async prompt(turn) {
        const account = await currentAccount(turn);
        if (!account) return { intents: [choose('menu.welcome', WITHOUT_ACCOUNT.map(([id]) => option(id, `menu.${id.slice(2)}`)))], expect: CHOICE };
        const many = (await linkedAccounts(turn.em, turn.orgId, turn.personId)).length > 1;
        return {
          intents: [choose(many ? 'menu.titleMany' : 'menu.title', WITH_ACCOUNT.map(([id]) => option(id, `menu.${id.slice(2)}`)), { account: accountTitle(account) })],
          expect: CHOICE,
        };
      },
      async handle(_turn, input): Promise<Transition> {
        if (input.kind === 'choice' && TARGETS[input.optionId]) return { to: TARGETS[input.optionId] };
        return { say: [say('menu.unknown')] };
      },
    },
    help: {
      async prompt() {
        return { intents: [say('menu.helpText')], then: 'menu.main' };
      },
    },
  },
};
