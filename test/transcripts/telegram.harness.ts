import type { Update } from 'grammy/types';
import { makeChatPace } from '../../bots/telegram/chat-pace.ts';
import { makeTelegramSender, telegramRoutes, TELEGRAM_SECRET_HEADER } from '../../bots/telegram/index.ts';
import type { BotConnection } from '../../dialogs/channel.port.ts';
import {
  callbackUpdate, commandUpdate, contactUpdate, makeFakeTelegram, photoUpdate, textUpdate, type FakeTelegram, type RecordedCall,
} from '../support/fake-telegram.ts';
import type { Driver, Seen } from '../support/transcript-runner.ts';
import type { World } from '../support/transcript-world.ts';
import type { Caps } from './script.ts';

export const TELEGRAM_TOKEN = '7000001:transcript-TOKEN_abc';
export const TELEGRAM_CAPS: Caps = { buttons: true, contact: true, files: true, deepLink: true, vouchedPhone: false, inline: false, later: true, voice: false };
export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1]);

type Resident = { readonly externalUserId: string; readonly userId: number; seen: number; last?: Update };

export type TelegramRig = {
  readonly driver: Driver<Resident>;
  readonly fake: FakeTelegram;
  readonly connection: BotConnection;
  /** POSTs an update to the webhook with this secret header (none when undefined); returns the status. */
  post(update: Update, secret: string | undefined, botId?: string): Promise<number>;
};

/**
 * Telegram as production wires it (cli/bots.ts): the webhook route of an organisation's bot, the dialogs' gateway,
 * and the `outbound.telegram` handler with grammY's client — both talking to the fake Bot API through
 * `client.fetch` (STACK.md G9). The per-chat pace is off: a transcript is not about Telegram's 1 msg/s.
 */
export async function telegramRig(w: World): Promise<TelegramRig> {
  const fake = makeFakeTelegram({ token: TELEGRAM_TOKEN });
  const client = { fetch: fake.fetch, apiRoot: fake.apiRoot };
  const added = await w.connections.add(w.orgId, { channel: 'telegram', title: 'УК в Telegram', token: TELEGRAM_TOKEN });
  if (!added.ok) throw new Error(added.error.code);
  const connection = (await w.connections.find(added.value.id))!;
  const base = await w.serve([telegramRoutes({ connections: w.connections, gateway: w.dialogs.gateway, logger: w.logger, client })]);
  w.sendWith('telegram', makeTelegramSender(w.connections, w.files, { ...client, pace: makeChatPace({ gapMs: 0 }) }));

  const post = async (update: Update, secret: string | undefined, botId = connection.id) => {
    const res = await fetch(`${base}/hooks/telegram/${botId}`, {
      method: 'POST', body: JSON.stringify(update),
      headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { [TELEGRAM_SECRET_HEADER]: secret }) },
    });
    await res.arrayBuffer();
    return res.status;
  };

  let next = 0;
  const driver: Driver<Resident> = {
    channel: 'telegram',
    caps: TELEGRAM_CAPS,
    resident() {
      const userId = 7_100_000_000 + ++next;
      return { externalUserId: String(userId), userId, seen: fake.calls.length };
    },
    async act(r, act) {
      const who = { userId: r.userId };
      let update: Update;
      switch (act.kind) {
        case 'start': update = commandUpdate('/start', act.arg, who); break;
        case 'text': update = textUpdate(act.text, who); break;
        case 'choose': update = callbackUpdate(act.id, who); break;
        case 'contact': update = contactUpdate(act.phone, { ...who, own: act.own }); break;
        case 'photo': {
          const fileId = fake.addFile(JPEG);
          update = photoUpdate([{ fileId, width: 800, height: 600 }], { ...who, ...(act.caption ? { caption: act.caption } : {}) });
          break;
        }
        // Telegram delivers an update again (same update_id) when our answer did not reach it.
        case 'repeat': update = r.last!; break;
      }
      r.last = update;
      const status = await post(update, connection.webhookSecret);
      if (status !== 200) throw new Error(`telegram webhook answered ${status}`);
      await w.settle();
      return collect(r);
    },
    collect: async (r) => collect(r),
  };

  function collect(r: Resident): Seen {
    const calls = fake.calls.slice(r.seen).filter((c) => c.status === 200 && ['sendMessage', 'sendDocument', 'sendPhoto'].includes(c.method)
      && String(c.payload.chat_id) === String(r.userId));
    r.seen = fake.calls.length;
    return seenOf(calls);
  }

  return { driver, fake, connection, post };
}

type Button = { text: string; callback_data?: string; url?: string; request_contact?: boolean };

/** What the chat shows after these Bot API calls: texts and captions, the last inline keyboard, URL buttons. */
function seenOf(calls: readonly RecordedCall[]): Seen {
  const texts: string[] = [];
  let options: { id: string; label: string }[] = [];
  const links: { url: string; label: string }[] = [];
  let contactButton = false;
  let documents = 0;
  for (const call of calls) {
    const text = call.payload.text ?? call.payload.caption;
    if (typeof text === 'string') texts.push(text);
    if (call.method === 'sendDocument') documents += 1;
    const markup = call.payload.reply_markup as { inline_keyboard?: Button[][]; keyboard?: Button[][] } | undefined;
    const inline = markup?.inline_keyboard?.flat() ?? [];
    const choices = inline.filter((b) => b.callback_data !== undefined).map((b) => ({ id: b.callback_data!, label: b.text }));
    if (choices.length > 0) options = choices;
    for (const b of inline) if (b.url) links.push({ url: b.url, label: b.text });
    if (markup?.keyboard?.flat().some((b) => b.request_contact)) contactButton = true;
  }
  return { texts, options, links, contactButton, documents, raw: calls.map((c) => ({ method: c.method, payload: c.payload })) };
}
