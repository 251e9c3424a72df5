import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { makeLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { logger: makeLogger({ destination, level: 'trace' }), output: () => lines.join('') };
}

const SECRETS = {
  password: 'correct horse battery staple',
  botToken: '7012345678:AAHx-very-secret-telegram-token-123456',
  phone: '+7 912 345-67-89',
  phoneLocal: '8(912)3456789',
  email: 'ivanov.petr@mail.ru',
  fullName: 'Иванов Пётр Сергеевич',
  card: '2200 7001 2345 6789',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.payload.sig',
};

describe('logger keeps personal data and secrets out (RELIABILITY.md A6)', () => {
  it('redacts sensitive fields by name, deep inside objects and arrays', () => {
    const { logger, output } = capture();
    logger.info({ user: { password: SECRETS.password, fullName: SECRETS.fullName, contacts: [{ phone: SECRETS.phone }] },
      headers: { authorization: `Bearer ${SECRETS.bearer}`, cookie: 'fp.sid=abc' }, payerName: SECRETS.fullName, token: SECRETS.botToken }, 'request');
    const text = output();
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('scrubs phones, e-mails, card numbers and tokens written into messages and free text', () => {
    const { logger, output } = capture();
    logger.warn(`payer ${SECRETS.email} called from ${SECRETS.phoneLocal}, card ${SECRETS.card}, bot ${SECRETS.botToken}`);
    logger.error({ detail: `sent to ${SECRETS.phone}`, err: new Error(`Bearer ${SECRETS.bearer} rejected for ${SECRETS.email}`) }, 'failed');
    const text = output();
    for (const secret of [SECRETS.email, SECRETS.phoneLocal, SECRETS.phone, SECRETS.card, SECRETS.botToken, SECRETS.bearer]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[phone]');
    expect(text).toContain('[email]');
  });

  it('keeps what operators need: codes, ids, counts and amounts', () => {
    const { logger, output } = capture();
    logger.info({ code: 'PAYMENTS.SIGNATURE_INVALID', orgId: '0b3c8f2e-1d2a-4c55-9d6e-7f8a9b0c1d2e', rows: 200, amountKop: 123456 }, 'import done');
    const text = output();
    expect(text).toContain('PAYMENTS.SIGNATURE_INVALID');
    expect(text).toContain('0b3c8f2e-1d2a-4c55-9d6e-7f8a9b0c1d2e');
    expect(text).toContain('"amountKop":123456');
  });
});
