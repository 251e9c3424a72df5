import { randomBytes } from 'node:crypto';
import { makeMaxSender, maxRoutes } from '../../bots/max/index.ts';
import type { BotConnection } from '../../dialogs/channel.port.ts';
import { startFakeMax, type FakeMax } from '../support/fake-max.ts';
import type { Driver, Seen } from '../support/transcript-runner.ts';
import type { World } from '../support/transcript-world.ts';
import { JPEG } from './telegram.harness.ts';
import type { Caps } from './script.ts';

export const MAX_TOKEN = 'max-transcript-token-0123456789abcdef';
export const MAX_CAPS: Caps = { buttons: true, contact: true, files: true, deepLink: true, vouchedPhone: false, inline: false, later: true, voice: false };
const BOT_USER = 1000;

type Resident = { readonly externalUserId: string; readonly userId: number; readonly chatId: number; seen: number; last?: unknown };

export type MaxRig = {
  readonly driver: Driver<Resident>;
  readonly fake: FakeMax;
  readonly connection: BotConnection;
  readonly hookUrl: string;
  /** Updates as MAX posts them, for the A5 test. */
  readonly updates: {
    started(userId: number, chatId: number, payload?: string): unknown;
    text(userId: number, chatId: number, text: string): unknown;
  };
};

/**
 * MAX as production wires it: the webhook route (`X-Max-Bot-Api-Secret`), the gateway, and the `outbound.max`
 * handler, all against the fake MAX Bot API over HTTP.
 */
export async function maxRig(w: World): Promise<MaxRig> {
  const fake = await startFakeMax({ token: MAX_TOKEN });
  const added = await w.connections.add(w.orgId, { channel: 'max', title: 'УК в MAX', token: MAX_TOKEN, settings: { baseUrl: fake.url } });
  if (!added.ok) throw new Error(added.error.code);
  const connection = (await w.connections.find(added.value.id))!;
  const base = await w.serve([maxRoutes({ connections: w.connections, gateway: w.dialogs.gateway, logger: w.logger, baseUrl: fake.url })]);
  w.sendWith('max', makeMaxSender(w.connections, w.files, { baseUrl: fake.url }));
  const hookUrl = `${base}/hooks/max/${connection.id}`;

  // MAX stamps updates in milliseconds; two in one millisecond would share a bot_started event key.
  let clock = Date.now();
  let seq = 0;
  const stamp = () => ++clock;
  // Ids shaped as MAX's are: a message id of one chat shares its first 24 characters; a callback id is 112 characters.
  const mid = () => `mid.0000000008a53b9b019c${(++seq).toString(16).padStart(12, '0')}`;
  const callbackId = () => `f9LHodD0cO${randomBytes(76).toString('base64url')}`.slice(0, 112);
  const dialog = (userId: number, chatId: number, body: Record<string, unknown>) => ({
    update_type: 'message_created', timestamp: stamp(), user_locale: 'ru',
    message: { recipient: { chat_id: chatId, chat_type: 'dialog', user_id: BOT_USER }, timestamp: clock, sender: { user_id: userId, first_name: 'Анна', is_bot: false }, body: { mid: mid(), seq, ...body } },
  });
  const updates = {
    started: (userId: number, chatId: number, payload?: string) => ({
      update_type: 'bot_started', timestamp: stamp(), chat_id: chatId, user: { user_id: userId, first_name: 'Анна' }, user_locale: 'ru', ...(payload ? { payload } : {}),
    }),
    text: (userId: number, chatId: number, text: string) => dialog(userId, chatId, { text }),
  };

  let next = 0;
  const driver: Driver<Resident> = {
    channel: 'max',
    caps: MAX_CAPS,
    resident() {
      next += 1;
      return { externalUserId: String(6_000 + next), userId: 6_000 + next, chatId: -(90_000 + next), seen: fake.sent.length };
    },
    async act(r, act) {
      let update: unknown;
      switch (act.kind) {
        case 'start': update = updates.started(r.userId, r.chatId, act.arg); break;
        case 'text': update = updates.text(r.userId, r.chatId, act.text); break;
        case 'choose':
          update = {
            update_type: 'message_callback', timestamp: stamp(), user_locale: 'ru',
            callback: { timestamp: clock, callback_id: callbackId(), payload: act.id, user: { user_id: r.userId, first_name: 'Анна' } },
            message: { recipient: { chat_id: r.chatId, chat_type: 'dialog', user_id: r.userId }, timestamp: clock, sender: { user_id: BOT_USER, is_bot: true }, body: { mid: 'mid.kb', seq: 1, text: '…' } },
          };
          break;
        case 'contact': {
          const vcf = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Анна\r\nTEL;TYPE=cell:${act.phone}\r\nEND:VCARD`;
          update = dialog(r.userId, r.chatId, { text: '', attachments: [{ type: 'contact', payload: { vcf_info: vcf, max_info: { user_id: act.own ? r.userId : r.userId + 777, first_name: 'Анна' } } }] });
          break;
        }
        case 'photo': {
          const url = fake.serveFile(`leak-${++seq}.jpg`, JPEG, 'image/jpeg');
          update = dialog(r.userId, r.chatId, { text: act.caption ?? '', attachments: [{ type: 'image', payload: { photo_id: seq, url, token: `t${seq}` } }] });
          break;
        }
        // MAX retries a webhook it got no 200 for, for hours.
        case 'repeat': update = r.last; break;
      }
      r.last = update;
      const status = await fake.deliver(hookUrl, update, connection.webhookSecret);
      if (status !== 200) throw new Error(`max webhook answered ${status}`);
      await w.settle();
      return collect(r);
    },
    collect: async (r) => collect(r),
  };

  function collect(r: Resident): Seen {
    const sent = fake.sent.slice(r.seen).filter((m) => m.query.chat_id === String(r.chatId));
    r.seen = fake.sent.length;
    return seenOf(sent.map((m) => m.body));
  }

  return { driver, fake, connection, hookUrl, updates };
}

type Button = { type: string; text: string; payload?: string; url?: string };
type Attachment = { type: string; payload: { buttons?: Button[][] } };

/** What the dialog shows after these messages: texts, the last keyboard's callbacks, link and contact buttons, files. */
function seenOf(bodies: readonly Record<string, unknown>[]): Seen {
  const texts: string[] = [];
  let options: { id: string; label: string }[] = [];
  const links: { url: string; label: string }[] = [];
  let contactButton = false;
  let documents = 0;
  for (const body of bodies) {
    if (typeof body.text === 'string' && body.text) texts.push(body.text);
    for (const a of (body.attachments ?? []) as Attachment[]) {
      if (a.type === 'file') documents += 1;
      if (a.type !== 'inline_keyboard') continue;
      const buttons = a.payload.buttons?.flat() ?? [];
      const callbacks = buttons.filter((b) => b.type === 'callback').map((b) => ({ id: b.payload!, label: b.text }));
      if (callbacks.length > 0) options = callbacks;
      for (const b of buttons) if (b.type === 'link') links.push({ url: b.url!, label: b.text });
      if (buttons.some((b) => b.type === 'request_contact')) contactButton = true;
    }
  }
  return { texts, options, links, contactButton, documents, raw: bodies };
}
