import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../dialogs/channel.port.ts';
import type { OutboundIntent } from '../../dialogs/types.ts';
import { renderTelegram, splitText, TELEGRAM_TEXT_MAX, uploadFallback, type MessagePayload } from './telegram.renderer.ts';

// Texts from locales/pay.json: stable, short and long, with and without variables.
const SHORT = { key: 'pay.payPlain' }; // «Оплатить»
const SHORT2 = { key: 'pay.title' }; // «Оплата услуг»
const LONG = { key: 'pay.thisIsMine' }; // «Это мой счёт — перейти к оплате», over 20 characters
const TEXT = { key: 'pay.status.paidText' };

const message = (intents: OutboundIntent[], locale: 'ru' | 'en' = 'ru'): OutboundMessage => ({
  channel: 'telegram', orgId: 'org', connectionId: 'conn', chatId: '42', locale, intents, expect: { kind: 'none' }, key: 'reply:1:1',
});
const texts = (calls: ReturnType<typeof renderTelegram>) => calls.map((c) => (c.method === 'sendMessage' ? c.payload.text : c.method));

describe('telegram renderer', () => {
  it('joins texts in a row into one plain message with a blank line between', () => {
    const calls = renderTelegram(message([{ type: 'text', text: TEXT }, { type: 'text', text: { key: 'pay.payFee', vars: { total: '100 ₽', fee: '1 ₽' } } }]));
    expect(calls).toEqual([{ method: 'sendMessage', payload: { chat_id: '42', text: 'Спасибо! Платёж зачислен на лицевой счёт.\n\nОплатить 100 ₽ (комиссия 1 ₽)', link_preview_options: { is_disabled: true } } }]);
    expect(JSON.stringify(calls)).not.toContain('parse_mode');
  });

  it('draws a choice as an inline keyboard, two short buttons a row, carrying the text before it', () => {
    const calls = renderTelegram(message([{ type: 'text', text: TEXT }, { type: 'choice', text: SHORT2, options: [
      { id: 'pay', label: SHORT }, { id: 'menu', label: SHORT2 }, { id: 'x', label: SHORT },
    ] }]));
    expect(calls).toHaveLength(1);
    const payload = calls[0]!.payload as MessagePayload;
    expect(payload.text).toBe('Спасибо! Платёж зачислен на лицевой счёт.\n\nОплата услуг');
    expect(payload.reply_markup).toEqual({ inline_keyboard: [
      [{ text: 'Оплатить', callback_data: 'pay' }, { text: 'Оплата услуг', callback_data: 'menu' }],
      [{ text: 'Оплатить', callback_data: 'x' }],
    ] });
  });

  it('gives every button its own row when a label is long', () => {
    const [call] = renderTelegram(message([{ type: 'choice', text: SHORT2, options: [{ id: 'a', label: SHORT }, { id: 'b', label: LONG }] }]));
    expect((call!.payload as MessagePayload).reply_markup).toEqual({ inline_keyboard: [[{ text: 'Оплатить', callback_data: 'a' }], [{ text: 'Это мой счёт — перейти к оплате', callback_data: 'b' }]] });
  });

  it('refuses an option id over 64 bytes (Telegram would refuse the message) and accepts exactly 64', () => {
    const choice = (id: string) => message([{ type: 'choice', text: SHORT2, options: [{ id, label: SHORT }] }]);
    expect(() => renderTelegram(choice('я'.repeat(33)))).toThrow(/1–64 bytes, got 66/);
    expect(() => renderTelegram(choice(''))).toThrow(/got 0/);
    expect(() => renderTelegram(choice('a'.repeat(64)))).not.toThrow();
  });

  it('draws an https link as a URL button and a plain-http one as text', () => {
    const [button] = renderTelegram(message([{ type: 'link', text: SHORT2, url: 'https://pay.example.ru/pay/t1', label: SHORT }]));
    expect((button!.payload as MessagePayload).reply_markup).toEqual({ inline_keyboard: [[{ text: 'Оплатить', url: 'https://pay.example.ru/pay/t1' }]] });
    const [plain] = renderTelegram(message([{ type: 'link', text: SHORT2, url: 'http://localhost:3000/pay/t1', label: SHORT }]));
    expect(plain!.payload).toEqual({ chat_id: '42', text: 'Оплата услуг\nhttp://localhost:3000/pay/t1', link_preview_options: { is_disabled: true } });
  });

  it('asks for the phone with a one-time contact keyboard', () => {
    const [call] = renderTelegram(message([{ type: 'requestContact', text: SHORT2, label: SHORT }], 'en'));
    expect(call!.payload).toMatchObject({ text: 'Pay for services', reply_markup: { keyboard: [[{ text: 'Pay', request_contact: true }]], one_time_keyboard: true, resize_keyboard: true } });
  });

  it('sends a document as an upload after the text before it, with its caption and a fallback link', () => {
    const calls = renderTelegram(message([
      { type: 'text', text: TEXT },
      { type: 'document', name: 'debt.pdf', url: 'https://x/f/1', fileId: 'f1', caption: SHORT2 },
    ]));
    expect(texts(calls)).toEqual(['Спасибо! Платёж зачислен на лицевой счёт.', 'sendDocument']);
    const doc = calls[1]!;
    expect(doc).toEqual({ method: 'sendDocument', payload: { chat_id: '42', caption: 'Оплата услуг' }, upload: { fileId: 'f1', name: 'debt.pdf', url: 'https://x/f/1' } });
    if (doc.method !== 'sendDocument') throw new Error('unreachable');
    expect(uploadFallback(doc).text).toBe('Оплата услуг\nhttps://x/f/1');
  });

  it('sends an image by upload when stored and by URL otherwise', () => {
    const calls = renderTelegram(message([{ type: 'image', url: 'https://x/i/1', fileId: 'i1' }, { type: 'image', url: 'https://x/i/2' }]));
    expect(calls).toEqual([
      { method: 'sendPhoto', payload: { chat_id: '42' }, upload: { fileId: 'i1', name: 'image.jpg', url: 'https://x/i/1' } },
      { method: 'sendPhoto', payload: { chat_id: '42', photo: 'https://x/i/2' } },
    ]);
  });

  it('names the phone for a transfer, writes a robot link as text and draws nothing for the end', () => {
    const calls = renderTelegram(message([
      { type: 'transfer', to: '+7 800 100-00-00', text: SHORT2 },
      { type: 'sendLink', url: 'https://x/p', via: 'telegram' },
      { type: 'end' },
    ]));
    expect(texts(calls)).toEqual(['Оплата услуг\n+7 800 100-00-00\n\nhttps://x/p']);
    expect(renderTelegram(message([{ type: 'end' }]))).toEqual([]);
  });

  it('sends what a resident typed as plain text, markup and all', () => {
    const calls = renderTelegram(message([{ type: 'text', text: { key: 'pay.collector', vars: { name: '<b>*Иван*</b> [x](http://evil)' } } }]));
    expect(calls[0]!.payload).toEqual({ chat_id: '42', text: 'Контролёр: <b>*Иван*</b> [x](http://evil)', link_preview_options: { is_disabled: true } });
  });

  it('splits a long text into messages of at most 4096 characters and puts the keyboard under the last', () => {
    const paragraph = `${'Начислено за воду 123,45 ₽. '.repeat(40)}`.trim();
    const long = Array.from({ length: 12 }, () => paragraph).join('\n\n');
    const calls = renderTelegram(message([{ type: 'text', text: { key: 'pay.collector', vars: { name: long } } }, { type: 'choice', text: SHORT2, options: [{ id: 'a', label: SHORT }] }]));
    expect(calls.length).toBeGreaterThan(3);
    for (const c of calls) expect((c.payload as MessagePayload).text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_MAX);
    expect(calls.slice(0, -1).every((c) => !(c.payload as MessagePayload).reply_markup)).toBe(true);
    expect((calls.at(-1)!.payload as MessagePayload).reply_markup).toBeDefined();
    const rejoined = calls.map((c) => (c.payload as MessagePayload).text).join('\n\n');
    expect(rejoined).toBe(`Контролёр: ${long}\n\nОплата услуг`);
  });
});

describe('splitText', () => {
  it('cuts at a line or space, and inside a run of emoji never between the halves of one', () => {
    expect(splitText('aaaa bbbb\ncccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('aaaaaa bbbbbb', 10)).toEqual(['aaaaaa', 'bbbbbb']);
    const emoji = '😀'.repeat(9); // 18 UTF-16 units, no spaces
    const parts = splitText(emoji, 7);
    expect(parts.join('')).toBe(emoji);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(7);
      expect(p).toMatch(/^(?:😀)+$/u);
    }
  });

  it('keeps a short text whole', () => {
    expect(splitText('Добрый день')).toEqual(['Добрый день']);
  });
});
