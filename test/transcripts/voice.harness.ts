import { voiceRoutes, type VoiceResponse } from '../../bots/voice/index.ts';
import { makeOrgLookup } from '../../core/conversations/index.ts';
import { translate, type Locale } from '../../core/shared/index.ts';
import type { Driver, Seen } from '../support/transcript-runner.ts';
import { VOICE_NUMBER, type World } from '../support/transcript-world.ts';
import type { Caps } from './script.ts';

export const VOICE_SECRET = 'voice-robot-Secret_0123456789';
export const VOICE_CAPS: Caps = { buttons: false, contact: false, files: false, deepLink: false, vouchedPhone: true, inline: true, later: false, voice: true };

type Resident = { readonly externalUserId: string; readonly from: string; readonly callId: string; seq: number; last?: Record<string, unknown> };

export type VoiceRig = {
  readonly driver: Driver<Resident>;
  /** POSTs one turn with this X-Voice-Secret (none when undefined). */
  post(turn: Record<string, unknown>, secret: string | undefined): Promise<{ status: number; body: unknown }>;
  /** A turn of a call as the robot's platform sends it. */
  turn(resident: Resident, over: Record<string, unknown>): Record<string, unknown>;
};

/**
 * The phone robot as serve mounts it: `POST /voice/turn` with the shared secret, the organisation found by the
 * number called, the engine's reply rendered as what to say and what to listen for.
 */
export async function voiceRig(w: World): Promise<VoiceRig> {
  const lookup = makeOrgLookup(w.db);
  const base = await w.serve([voiceRoutes({
    dialogs: w.dialogs.engine, resolveOrg: async (to) => (await lookup.byVoiceNumber(to))?.id ?? null, secret: () => VOICE_SECRET, logger: w.logger,
  })]);
  const post = async (turn: Record<string, unknown>, secret: string | undefined) => {
    const res = await fetch(`${base}/voice/turn`, {
      method: 'POST', body: JSON.stringify(turn), headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-voice-secret': secret }) },
    });
    return { status: res.status, body: await res.json() as unknown };
  };
  const turn = (r: Resident, over: Record<string, unknown>) => ({
    callId: r.callId, seq: r.seq++, provider: 'voximplant', direction: 'inbound', from: r.from, to: VOICE_NUMBER, event: 'input', ...over,
  });

  let next = 0;
  const driver: Driver<Resident> = {
    channel: 'voice',
    caps: VOICE_CAPS,
    resident(phone) {
      next += 1;
      // Operators write the caller's number as they like: «8 912 …» is the same person as «+7 912 …».
      const digits = phone ? phone.replace(/\D/g, '') : `7912700${String(next).padStart(4, '0')}`;
      return { externalUserId: digits, from: `8 ${digits.slice(1, 4)} ${digits.slice(4, 7)}-${digits.slice(7, 9)}-${digits.slice(9)}`, callId: `call-${next}-${Date.now()}`, seq: 0 };
    },
    async act(r, act, shown) {
      let body: Record<string, unknown>;
      switch (act.kind) {
        case 'start': body = turn(r, { event: 'call.started' }); break;
        case 'choose': {
          const n = shown.indexOf(act.id);
          if (n < 0) throw new Error(`option ${act.id} was not offered: ${shown.join(', ')}`);
          // Up to nine options answer with one key; a longer list needs two and `#`.
          body = turn(r, { input: { kind: 'dtmf', digits: shown.length > 9 ? `${n + 1}#` : String(n + 1) } });
          break;
        }
        case 'text':
          // Numbers are keyed (`*` for the decimal comma, `#` to finish); words are spoken.
          body = /^[\d\s.,]+$/.test(act.text)
            ? turn(r, { input: { kind: 'dtmf', digits: `${act.text.replace(/\s/g, '').replace(/[.,]/g, '*')}#` } })
            : turn(r, { input: { kind: 'speech', text: act.text, confidence: 0.9 } });
          break;
        // The platform repeats a turn (same callId and seq) when our answer timed out.
        case 'repeat': body = r.last!; break;
        default: throw new Error(`a call cannot carry a ${act.kind}`);
      }
      r.last = body;
      const answer = await post(body, VOICE_SECRET);
      if (answer.status !== 200) throw new Error(`voice turn answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      await w.settle();
      return seenOf(answer.body as VoiceResponse);
    },
    async collect() {
      throw new Error('nothing reaches a call after its turn');
    },
  };
  return { driver, post, turn };
}

/** What the caller hears: the sentences, the options read out as «1 — …, 2 — …», a link sent, a transfer. */
function seenOf(answer: VoiceResponse): Seen {
  const texts = answer.say.map((s) => s.text);
  const next = answer.next;
  if ('gather' in next && next.gather.timeoutSec <= 0) throw new Error('the robot would not wait for an answer');
  return {
    texts, options: spokenOptions(texts), contactButton: false, documents: 0,
    links: 'sendLink' in next ? [{ url: next.sendLink.url, label: null }] : [],
    transfer: 'transfer' in next ? next.transfer.to : null,
    raw: answer,
  };
}

/** The last «Нажмите 1 — …, 2 — ….» the robot says, split back into its labels (in either language). */
function spokenOptions(texts: readonly string[]): { id: null; label: string }[] {
  for (const text of [...texts].reverse()) {
    for (const locale of ['ru', 'en'] as Locale[]) {
      const [prefix, suffix] = translate(locale, 'voice.choice.prompt', { items: '\u0001' }).split('\u0001') as [string, string];
      if (!text.startsWith(prefix) || !text.endsWith(suffix)) continue;
      const [, between] = translate(locale, 'voice.choice.item', { digit: '\u0001', label: '\u0002' }).split(/[\u0001\u0002]/) as [string, string];
      const esc = between.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const items = text.slice(prefix.length, text.length - suffix.length).split(new RegExp(`, (?=\\d+${esc})`));
      return items.map((item, i) => {
        const m = new RegExp(`^(\\d+)${esc}(.*)$`).exec(item);
        if (!m || Number(m[1]) !== i + 1) throw new Error(`options not read out as 1…n: ${text}`);
        return { id: null, label: m[2]! };
      });
    }
  }
  return [];
}
