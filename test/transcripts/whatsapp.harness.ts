import { EventEmitter } from 'node:events';
import type { WaClient, WaMedia, WaMessage } from '../../bots/whatsapp/wa-client.port.ts';
import { eventKeyOf } from '../../bots/whatsapp/wa-update.ts';
import { runWhatsapp, whatsappInboundHandler, WHATSAPP_TOPICS, type WhatsappSession } from '../../bots/whatsapp/wa.process.ts';
import { makeWhatsappMayWrite } from '../../core/conversations/index.ts';
import type { Driver, Seen } from '../support/transcript-runner.ts';
import type { World } from '../support/transcript-world.ts';
import { JPEG } from './telegram.harness.ts';
import type { Caps } from './script.ts';

export const WHATSAPP_CAPS: Caps = { buttons: false, contact: false, files: true, deepLink: true, vouchedPhone: true, inline: false, later: true, voice: false };

type Sent = { readonly chatId: string; readonly text?: string; readonly media?: WaMedia; readonly caption?: string };

/** The WaClient whatsapp-web.js would be: events emitted by the test, sends recorded. */
export class FakeWaClient extends EventEmitter implements WaClient {
  readonly sent: Sent[] = [];
  async sendMessage(chatId: string, text: string) { this.sent.push({ chatId, text }); }
  async sendMedia(chatId: string, media: WaMedia, caption?: string) { this.sent.push({ chatId, media, ...(caption ? { caption } : {}) }); }
  async initialize() { this.emit('ready'); }
  async destroy() {}
}

type Resident = { readonly externalUserId: string; readonly chatId: string; seen: number; last?: WaMessage };

/**
 * WhatsApp as `familypay whatsapp` and the worker run it: the session (runWhatsapp) queues what residents write on
 * `whatsapp.inbound`, the worker's handler gives it to the dialogs, and the session sends the replies queued on
 * `outbound.whatsapp` through the client — here a fake, at no pace.
 */
export async function whatsappRig(w: World): Promise<{ driver: Driver<Resident>; client: FakeWaClient; session: WhatsappSession }> {
  const added = await w.connections.add(w.orgId, { channel: 'whatsapp', title: 'УК в WhatsApp', token: 'wa-session' });
  if (!added.ok) throw new Error(added.error.code);
  const connection = (await w.connections.find(added.value.id))!;
  const client = new FakeWaClient();
  const session = await runWhatsapp({
    connection, client, queue: w.queue, connections: w.connections, mayWrite: makeWhatsappMayWrite(w.db), files: w.files, paceMs: 0,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  w.queue.work(WHATSAPP_TOPICS.inbound, whatsappInboundHandler(w.dialogs.gateway), { concurrency: 4 });

  let next = 0;
  const say = async (r: Resident, over: Partial<WaMessage> | 'again'): Promise<Seen> => {
    const id = over === 'again' ? r.last!.id : `false_${r.chatId}_3EB0${String(++next).padStart(8, '0')}`;
    const message: WaMessage = over === 'again' ? r.last! : {
      id, from: r.chatId, body: '', type: 'chat', hasMedia: false, timestamp: Math.floor(Date.now() / 1000), fromMe: false, isGroup: false, isStatus: false,
      downloadMedia: async () => null, ...over,
    };
    r.last = message;
    client.emit('message', message);
    const deadline = Date.now() + 3_000;
    while (!w.queued(WHATSAPP_TOPICS.inbound, eventKeyOf(id))) {
      if (Date.now() > deadline) throw new Error('the WhatsApp message was not queued');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await w.settle();
    return collect(r);
  };

  let residents = 0;
  const driver: Driver<Resident> = {
    channel: 'whatsapp',
    caps: WHATSAPP_CAPS,
    resident(phone) {
      const digits = phone ? phone.replace(/\D/g, '') : `7916${String(++residents).padStart(7, '0')}`;
      return { externalUserId: digits, chatId: `${digits}@c.us`, seen: client.sent.length };
    },
    act(r, act, shown) {
      switch (act.kind) {
        // A first message of any words opens the menu; a wa.me link from the bill pre-fills «start <token>».
        case 'start': return say(r, { body: act.arg ? `start ${act.arg}` : 'Здравствуйте' });
        case 'text': return say(r, { body: act.text });
        case 'choose': {
          const n = shown.indexOf(act.id);
          if (n < 0) throw new Error(`option ${act.id} is not on screen: ${shown.join(', ')}`);
          return say(r, { body: String(n + 1) });
        }
        case 'contact': {
          const vcard = `BEGIN:VCARD\nVERSION:3.0\nFN:Анна\nitem1.TEL;waid=${act.phone.replace(/\D/g, '')}:${act.phone}\nEND:VCARD`;
          return say(r, { type: 'vcard', body: vcard, vCards: [vcard] });
        }
        // whatsapp-web.js may hand the same message over again after a reconnect.
        case 'repeat': return say(r, 'again');
        case 'photo':
          return say(r, { type: 'image', hasMedia: true, body: act.caption ?? '', downloadMedia: async () => ({ mimetype: 'image/jpeg', data: JPEG.toString('base64') }) });
      }
    },
    collect: async (r) => collect(r),
  };

  function collect(r: Resident): Seen {
    const sent = client.sent.slice(r.seen).filter((s) => s.chatId === r.chatId);
    r.seen = client.sent.length;
    return seenOf(sent);
  }
  return { driver, client, session };
}

/**
 * What the chat shows: texts and captions; the options of the last numbered list («1. …», ids unknown — the
 * resident answers with the number); the URLs on lines of their own; documents sent as files.
 */
function seenOf(sent: readonly Sent[]): Seen {
  const texts: string[] = [];
  let options: { id: null; label: string }[] = [];
  const links: { url: string; label: null }[] = [];
  let documents = 0;
  for (const s of sent) {
    const text = s.text ?? s.caption;
    if (s.media && s.media.mimetype === 'application/pdf') documents += 1;
    if (!text) continue;
    texts.push(text);
    const numbered = text.split('\n').map((line) => /^(\d+)\. (.*)$/.exec(line)).filter((m) => m !== null);
    if (numbered.length > 0) {
      if (numbered.some((m, i) => Number(m[1]) !== i + 1)) throw new Error(`a list not numbered 1…n: ${text}`);
      options = numbered.map((m) => ({ id: null, label: m[2]! }));
    }
    // A link intent puts its URL on a line of its own (wa.renderer.ts); a URL inside a sentence is just text.
    for (const line of text.split('\n')) if (/^https?:\/\/\S+$/.test(line)) links.push({ url: line, label: null });
  }
  return { texts, options, links, contactButton: false, documents, raw: sent.map((s) => ({ ...s, media: s.media ? { ...s.media, data: `${s.media.data.length} base64 chars` } : undefined })) };
}
