import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { OutboundIntent } from '../../dialogs/types.ts';
import { MAX_BUTTONS, MAX_BUTTONS_PER_ROW, MAX_ROWS, MAX_TEXT_LIMIT, SHORT_LABEL, keyboardRows, renderMax, splitText, type MaxStep } from './max.renderer.ts';
import type { MaxButton } from './max.types.ts';

const say = (text: string) => ({ key: 'dialogs.literal', vars: { text } });
const render = (intents: OutboundIntent[], locale: 'ru' | 'en' = 'ru') => renderMax({ locale, intents });
const keyboardOf = (step: MaxStep | undefined) => {
  const a = step?.kind === 'message' ? step.body.attachments?.[0] : undefined;
  return a?.type === 'inline_keyboard' ? a.payload.buttons : undefined;
};

describe('MAX renderer', () => {
  it('splits long text under 4000 characters at line breaks and merges consecutive texts', () => {
    const para = 'Начисления за март. '.repeat(60);
    const steps = render([{ type: 'text', text: say(`${para}\n${para}\n${para}\n${para}`) }, { type: 'text', text: say('Итого') }]);
    const texts = steps.map((s) => (s.kind === 'message' ? s.body.text! : ''));
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(MAX_TEXT_LIMIT);
    expect(texts.join('').replace(/\s/g, '')).toBe(`${para.repeat(4)}Итого`.replace(/\s/g, ''));
    expect(splitText('😀'.repeat(3000)).every((part) => !/^[\uDC00-\uDFFF]/.test(part))).toBe(true);
  });

  it('draws a choice as callback buttons: short labels two to a row, long ones alone, ids as payloads', () => {
    const options = [['yes', 'Да'], ['no', 'Нет'], ['pay', 'Оплатить долг полностью'], ['m1', '1'], ['m2', '2'], ['m3', '3']]
      .map(([id, label]) => ({ id: id!, label: say(label!) }));
    const [step] = render([{ type: 'choice', text: say('Что сделать?'), options }]);
    expect(step).toMatchObject({ kind: 'message', body: { text: 'Что сделать?' } });
    const rows = keyboardOf(step)!;
    expect(rows.map((r) => r.map((b) => (b as { payload: string }).payload))).toEqual([['yes', 'no'], ['pay'], ['m1', 'm2'], ['m3']]);
    expect(rows.flat().every((b) => b.type === 'callback')).toBe(true);
  });

  test.prop([fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 500 })], { numRuns: 200 })(
    'never puts more than 7 buttons in a row, 30 rows or 210 buttons in a keyboard, and keeps every option in order',
    (labels) => {
      const buttons: MaxButton[] = labels.map((text, i) => ({ type: 'callback', text, payload: `o${i}` }));
      const keyboards = keyboardRows(buttons);
      for (const rows of keyboards) {
        expect(rows.length).toBeLessThanOrEqual(MAX_ROWS);
        expect(rows.flat().length).toBeLessThanOrEqual(MAX_BUTTONS);
        for (const row of rows) {
          expect(row.length).toBeGreaterThan(0);
          expect(row.length).toBeLessThanOrEqual(MAX_BUTTONS_PER_ROW);
        }
        // Without repacking, a long label is alone in its row.
        if (keyboards.length === 1 && rows.length < MAX_ROWS) {
          for (const row of rows) if (row.some((b) => [...b.text].length > SHORT_LABEL)) expect(row).toHaveLength(1);
        }
      }
      expect(keyboards.flat(2).map((b) => (b as { payload: string }).payload)).toEqual(buttons.map((b) => (b as { payload: string }).payload));
    },
  );

  it('draws a link as a link button and a phone request as a request_contact button', () => {
    const [link] = render([{ type: 'link', text: say('Оплата по СБП'), url: 'https://pay.example.ru/p/abc', label: say('Оплатить') }]);
    expect(keyboardOf(link)).toEqual([[{ type: 'link', text: 'Оплатить', url: 'https://pay.example.ru/p/abc' }]]);
    const [ask] = render([{ type: 'requestContact', text: say('Подтвердите номер'), label: say('📱 Отправить номер') }]);
    expect(ask).toMatchObject({ body: { text: 'Подтвердите номер' } });
    expect(keyboardOf(ask)).toEqual([[{ type: 'request_contact', text: '📱 Отправить номер' }]]);
  });

  it('uploads documents and images, with a link as the fallback, and names the phone of a transfer', () => {
    const steps = render([
      { type: 'text', text: say('Структура долга:') },
      { type: 'document', name: 'debt.pdf', url: 'https://pay.example.ru/f/1?sig=x', fileId: 'file-1', caption: say('Март') },
      { type: 'image', url: 'https://pay.example.ru/f/2' },
      { type: 'transfer', to: '+74950000000', text: say('Диспетчер на связи') },
      { type: 'end' },
    ], 'en');
    expect(steps[0]).toEqual({ kind: 'message', body: { text: 'Структура долга:' } });
    expect(steps[1]).toEqual({ kind: 'upload', type: 'file', fileId: 'file-1', name: 'debt.pdf', caption: 'Март', fallback: { text: 'Март\nDocument “debt.pdf”: https://pay.example.ru/f/1?sig=x' } });
    expect(steps[2]).toEqual({ kind: 'message', body: { text: 'Image: https://pay.example.ru/f/2\n\nДиспетчер на связи\nPhone: +74950000000' } });
    expect(steps).toHaveLength(3);
  });
});
