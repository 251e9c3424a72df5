import { unlinkResident } from '../../core/accounts/index.ts';
import { choose, CHOICE, literal, option, say, type Flow } from '../flow.ts';
import { accountTitle, forgetLinked, linkedOf } from './common.ts';

/** Choice ids carry the account's position, not its id: short, and they reveal nothing. */
export const accountsFlow: Flow = {
  name: 'accounts',
  version: 1,
  start: 'list',
  steps: {
    list: {
      async prompt(turn) {
        const accounts = await linkedOf(turn);
        turn.data = { ids: accounts.map((a) => a.id) };
        if (accounts.length === 0) return { intents: [say('accounts.none')], then: 'link' };
        const options = [
          ...accounts.map((a, i) => literal(`a.use.${i}`, `${a.id === turn.accountId ? '✓ ' : ''}${accountTitle(a)}`)),
          ...accounts.map((a, i) => option(`a.del.${i}`, 'accounts.unlink', { number: a.number })),
          option('a.add', 'accounts.add'), option('a.menu', 'back'),
        ];
        return { intents: [choose('accounts.title', options)], expect: CHOICE };
      },
      async handle(turn, input) {
        if (input.kind !== 'choice') return { say: [say('chooseOption')] };
        if (input.optionId === 'a.add') return { to: 'link' };
        if (input.optionId === 'a.menu') return { to: 'menu' };
        const m = /^a\.(use|del)\.(\d+)$/.exec(input.optionId);
        const ids = Array.isArray(turn.data.ids) ? (turn.data.ids as string[]) : [];
        const id = m ? ids[Number(m[2])] : undefined;
        if (!m || !id) return { say: [say('chooseOption')] };
        if (m[1] === 'use') {
          turn.accountId = id;
          return { say: [say('accounts.switched')], to: 'menu' };
        }
        const removed = await unlinkResident(turn.em, turn.orgId, turn.personId, id);
        forgetLinked(turn);
        if (turn.accountId === id) turn.accountId = null;
        return { say: [say(removed ? 'accounts.unlinked' : 'accounts.keptByStaff')], to: 'accounts' };
      },
    },
  },
};
