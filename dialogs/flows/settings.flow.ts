import { identityFacts, setIdentityConsent, setPersonLocale } from '../../core/accounts/index.ts';
import { choose, CHOICE, option, say, type Flow } from '../flow.ts';

export const settingsFlow: Flow = {
  name: 'settings',
  version: 1,
  start: 'main',
  steps: {
    main: {
      async prompt(turn) {
        const facts = await identityFacts(turn.em, turn.orgId, turn.identityId);
        const options = [
          option('s.notify', facts.consent ? 'settings.notifyOff' : 'settings.notifyOn'),
          option('s.here', 'settings.preferHere'),
          option('s.lang', 'settings.language'),
          option('s.menu', 'back'),
        ];
        return { intents: [choose('settings.title', options, { notify: facts.consent ? '✓' : '—' })], expect: CHOICE };
      },
      async handle(turn, input) {
        if (input.kind !== 'choice') return { say: [say('chooseOption')] };
        switch (input.optionId) {
          case 's.notify': {
            const facts = await identityFacts(turn.em, turn.orgId, turn.identityId);
            await setIdentityConsent(turn.em, turn.orgId, turn.identityId, !facts.consent);
            return { say: [say(facts.consent ? 'settings.notifyStopped' : 'settings.notifyStarted')] };
          }
          case 's.here':
            // Notifications go to the chat the resident last wrote from; choosing this one also turns them on here.
            await turn.em.execute('update identities set consent_notifications = (id = ?) where org_id = ? and person_id = ?', [turn.identityId, turn.orgId, turn.personId]);
            return { say: [say('settings.preferredSet')] };
          case 's.lang':
            return { to: 'settings.language' };
          case 's.menu':
            return { to: 'menu' };
          default:
            return { say: [say('chooseOption')] };
        }
      },
    },
    language: {
      async prompt() {
        return { intents: [choose('settings.chooseLanguage', [option('l.ru', 'settings.russian'), option('l.en', 'settings.english')])], expect: CHOICE };
      },
      async handle(turn, input) {
        if (input.kind !== 'choice' || !['l.ru', 'l.en'].includes(input.optionId)) return { say: [say('chooseOption')] };
        turn.locale = input.optionId === 'l.en' ? 'en' : 'ru';
        await setPersonLocale(turn.em, turn.orgId, turn.personId, turn.locale);
        return { say: [say('settings.languageSet')], to: 'settings' };
      },
    },
  },
};
