import { newId } from '../../shared/index.ts';
import { prepareSms, type SmsSender } from './sms.port.ts';

/**
 * Embedded mode without an SMS gateway: the SMS is printed on the operator's console, as core/infra/mail prints
 * mail — not through the logger, which would rightly scrub the phone out of it. It refuses the same numbers and
 * cuts the text as the SMS.ru client does, so a trial shows what a resident would really get.
 */
export function makeConsoleSms(print: (text: string) => void = (text) => console.log(text)): SmsSender {
  return {
    kind: 'console',
    async send(message) {
      const prepared = prepareSms(message);
      if (!prepared.ok) return prepared;
      print(`\n— SMS для +${prepared.digits} —\n${prepared.text}\n— конец SMS —\n`);
      return { ok: true, id: `console-${newId()}` };
    },
  };
}
