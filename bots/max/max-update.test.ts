import { describe, expect, it } from 'vitest';
import type { Download } from './max-download.ts';
import { localeFromTag, phoneFromVcf, readMaxUpdate, textInput, toInboundEvent } from './max-update.ts';

const USER = 5001;
const CHAT = -70001;
const TS = 1739184000000;
const source = { orgId: 'org-1', connectionId: 'conn-1' };

const message = (body: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  update_type: 'message_created', timestamp: TS, user_locale: 'ru',
  message: {
    recipient: { chat_id: CHAT, chat_type: 'dialog', user_id: 1000 }, timestamp: TS,
    body: { mid: 'mid.00a1', seq: 1, ...body }, sender: { user_id: USER, first_name: 'Иван', is_bot: false },
  },
  ...over,
});
const vcf = (phone: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Иван\r\nTEL;TYPE=cell:${phone}\r\nEND:VCARD`;
const contact = (maxInfo: unknown) => message({ text: null, attachments: [{ type: 'contact', payload: { vcf_info: vcf('+7 (912) 345-67-89'), hash: 'h', max_info: maxInfo } }] });
const noDownload: Download = async () => { throw new Error('no download expected'); };

describe('MAX updates → InboundEvent', () => {
  it('maps a text message with sender, dialog chat, mid and locale', async () => {
    const inbound = readMaxUpdate(message({ text: 'Привет' }));
    expect(inbound).toEqual({ externalUserId: '5001', chatId: '-70001', eventKey: 'max:mid.00a1', localeHint: 'ru', callbackId: null, input: { kind: 'text', text: 'Привет' } });
    const mapped = await toInboundEvent(inbound!, source, noDownload);
    expect(mapped).toEqual({ kind: 'event', event: { channel: 'max', ...source, externalUserId: '5001', chatId: '-70001', eventKey: 'max:mid.00a1', localeHint: 'ru', input: { kind: 'text', text: 'Привет' } } });
  });

  it('reads commands with and without an argument', () => {
    expect(readMaxUpdate(message({ text: '/start abc.DEF-1' }))?.input).toEqual({ kind: 'command', command: 'start', arg: 'abc.DEF-1' });
    expect(readMaxUpdate(message({ text: '/Menu' }))?.input).toEqual({ kind: 'command', command: 'menu' });
    expect(textInput('/')).toEqual({ kind: 'text', text: '/' });
    expect(textInput('1/2')).toEqual({ kind: 'text', text: '1/2' });
  });

  it('turns bot_started with a deep-link payload into /start <payload>', () => {
    const started = { update_type: 'bot_started', timestamp: TS, chat_id: CHAT, user: { user_id: USER, first_name: 'Иван' }, payload: 'tok_123', user_locale: 'en-US' };
    expect(readMaxUpdate(started)).toEqual({
      externalUserId: '5001', chatId: '-70001', eventKey: `max:${TS}:5001`, localeHint: 'en', callbackId: null, input: { kind: 'command', command: 'start', arg: 'tok_123' },
    });
    expect(readMaxUpdate({ ...started, payload: null })?.input).toEqual({ kind: 'command', command: 'start' });
  });

  it('turns a button press into the option id, keyed by callback_id, replying in the keyboard message chat', () => {
    const pressed = {
      update_type: 'message_callback', timestamp: TS, user_locale: 'ru',
      callback: { timestamp: TS, callback_id: 'cb-77', payload: 'menu.pay', user: { user_id: USER, first_name: 'Иван' } },
      message: { recipient: { chat_id: CHAT, chat_type: 'dialog', user_id: USER }, timestamp: TS, body: { mid: 'mid.bot1', seq: 2, text: 'Меню' }, sender: { user_id: 1000, is_bot: true } },
    };
    expect(readMaxUpdate(pressed)).toEqual({ externalUserId: '5001', chatId: '-70001', eventKey: 'max:cb-77', localeHint: 'ru', callbackId: 'cb-77', input: { kind: 'choice', optionId: 'menu.pay' } });
    expect(readMaxUpdate({ ...pressed, message: null })).toBeNull();
  });

  it('counts a shared contact as own only when MAX names the sender as its user', () => {
    expect(readMaxUpdate(contact({ user_id: USER, first_name: 'Иван' }))?.input).toEqual({ kind: 'contact', phone: '+79123456789', own: true });
    expect(readMaxUpdate(contact({ user_id: 9999, first_name: 'Сосед' }))?.input).toEqual({ kind: 'contact', phone: '+79123456789', own: false });
    expect(readMaxUpdate(contact(null))?.input).toEqual({ kind: 'contact', phone: '+79123456789', own: false });
    expect(phoneFromVcf('BEGIN:VCARD\nTEL;VALUE=uri:tel:+79001234567\nEND:VCARD')).toBe('+79001234567');
    expect(phoneFromVcf('BEGIN:VCARD\nFN:x\nEND:VCARD')).toBeNull();
  });

  it('downloads a photo with its caption into a file event', async () => {
    const update = message({ text: 'Течёт с потолка', attachments: [{ type: 'image', payload: { photo_id: 4484450835, token: 't', url: 'https://i.oneme.ru/i?r=abc' } }] });
    const asked: string[] = [];
    const download: Download = async (url) => { asked.push(url); return { data: Buffer.from('jpeg-bytes'), mime: 'image/jpeg' }; };
    const mapped = await toInboundEvent(readMaxUpdate(update)!, source, download);
    expect(asked).toEqual(['https://i.oneme.ru/i?r=abc']);
    expect(mapped.kind === 'event' && mapped.event.input).toEqual({ kind: 'file', caption: 'Течёт с потолка', file: { name: 'photo-4484450835.jpg', mime: 'image/jpeg', data: Buffer.from('jpeg-bytes') } });
  });

  it('refuses a file over 10 MB without fetching it, and one that proves bigger while fetching', async () => {
    const big = message({ text: '', attachments: [{ type: 'file', filename: 'scan.pdf', size: 11 * 1024 * 1024, payload: { url: 'https://fu.oneme.ru/f/1', token: 't' } }] });
    expect(await toInboundEvent(readMaxUpdate(big)!, source, noDownload)).toEqual({ kind: 'refused', reason: 'fileTooLarge' });
    const lying = message({ text: '', attachments: [{ type: 'file', filename: 'scan.pdf', size: 10, payload: { url: 'https://fu.oneme.ru/f/2', token: 't' } }] });
    expect(await toInboundEvent(readMaxUpdate(lying)!, source, async () => 'too_large')).toEqual({ kind: 'refused', reason: 'fileTooLarge' });
    await expect(toInboundEvent(readMaxUpdate(lying)!, source, async () => 'failed')).rejects.toMatchObject({ code: 'MAX.UNAVAILABLE' });
  });

  it('ignores bots, group chats, empty messages and updates the dialogs do not take', () => {
    const fromBot = message({ text: 'hi' });
    (fromBot.message.sender as { is_bot: boolean }).is_bot = true;
    const inGroup = message({ text: 'hi' });
    (inGroup.message.recipient as { chat_type: string }).chat_type = 'chat';
    for (const u of [fromBot, inGroup, message({ text: '   ' }), message({ text: '', attachments: [{ type: 'sticker', payload: { code: 'x' } }] }),
      { update_type: 'message_edited', timestamp: TS, message: fromBot.message }, { update_type: 'bot_stopped', timestamp: TS, chat_id: CHAT, user: { user_id: USER } },
      null, 42, 'x', {}, { update_type: 'message_created' }, { update_type: 'message_created', message: { body: null } }]) {
      expect(readMaxUpdate(u)).toBeNull();
    }
  });

  it('keeps only the languages we have texts for', () => {
    expect([localeFromTag('ru'), localeFromTag('en-GB'), localeFromTag('de'), localeFromTag(undefined)]).toEqual(['ru', 'en', null, null]);
  });
});
