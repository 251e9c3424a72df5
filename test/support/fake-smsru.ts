import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local SMS.ru HTTP API (sms.ru/api/send) on 127.0.0.1: POST /sms/send with form fields (or query parameters)
 * api_id, to (one number or a comma-separated list), msg, json=1, from. It answers as SMS.ru does: HTTP 200 with
 * `{status, status_code, sms: {<number>: {status, status_code, sms_id | status_text}}, balance}`, an overall
 * ERROR for a wrong api_id (200), GET (210) or an unknown method (211), per-number ERROR for a number not in
 * digits-only 7XXXXXXXXXX form (202), an empty text (203) or one longer than 8 parts (205). Without json=1 it
 * answers SMS.ru's plain-text form. Tests can script errors, HTTP 500 and hanging answers.
 */
export type FakeSmsRuRequest = {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  /** Query parameters and form fields merged, as SMS.ru reads them. */
  readonly fields: Readonly<Record<string, string>>;
};
export type FakeSmsRuMessage = { readonly id: string; readonly to: string; readonly text: string; readonly from?: string; readonly parts: number };

export type FakeSmsRu = {
  readonly url: string;
  /** Every request, answered or not, in arrival order. */
  readonly requests: readonly FakeSmsRuRequest[];
  /** Messages accepted for delivery (one per number). */
  readonly sent: readonly FakeSmsRuMessage[];
  /** The next request answers overall ERROR with this code. */
  failNext(code: number): void;
  /** Messages to this number (digits, 7XXXXXXXXXX) answer a per-number ERROR with this code until cleared (null). */
  failNumber(digits: string, code: number | null): void;
  /** The next `times` requests answer HTTP 500 with an HTML page, as a proxy in front of SMS.ru would. */
  fail500(times?: number): void;
  /** The next `times` requests get no answer at all until the client gives up or close(). */
  hang(times?: number): void;
  close(): Promise<void>;
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'Неправильный api_id',
  201: 'Не хватает средств на лицевом счету',
  202: 'Неправильно указан номер телефона получателя, либо на него нет маршрута',
  203: 'Нет текста сообщения',
  205: 'Сообщение слишком длинное (превышает 8 СМС)',
  207: 'На этот номер нет маршрута для доставки сообщений',
  209: 'Вы добавили этот номер (или один из номеров) в стоп-лист',
  210: 'Используется GET, где необходимо использовать POST',
  211: 'Метод не найден',
  220: 'Сервис временно недоступен, попробуйте чуть позже',
};
const statusText = (code: number) => STATUS_TEXT[code] ?? 'Ошибка';

// GSM 03.38 basic set, roughly: ASCII letters, digits, punctuation and line breaks travel 7-bit; anything else UCS-2.
const GSM7 = /^[A-Za-z0-9 \r\n@£$¥!"#%&'()*+,\-./:;<=>?_]*$/;

/** SMS parts as operators count them: 160/153 characters of GSM-7, 70/67 UTF-16 units of UCS-2. */
export function smsParts(text: string): number {
  const [single, multi] = GSM7.test(text) ? [160, 153] : [70, 67];
  return text.length <= single ? 1 : Math.ceil(text.length / multi);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
  });
}

export async function startFakeSmsRu(options: { readonly apiId: string; readonly balance?: number }): Promise<FakeSmsRu> {
  const requests: FakeSmsRuRequest[] = [];
  const sent: FakeSmsRuMessage[] = [];
  const numberErrors = new Map<string, number>();
  let nextError: number | null = null;
  let failing = 0;
  let hanging = 0;
  let seq = 0;
  const balance = options.balance ?? 100;

  type Entry = { status: 'OK' | 'ERROR'; status_code: number; sms_id?: string; status_text?: string };

  function deliver(fields: Record<string, string>): { status: 'OK' | 'ERROR'; status_code: number; status_text?: string; sms?: Record<string, Entry> } {
    if (nextError !== null) {
      const code = nextError;
      nextError = null;
      return { status: 'ERROR', status_code: code, status_text: statusText(code) };
    }
    if (fields.api_id !== options.apiId) return { status: 'ERROR', status_code: 200, status_text: statusText(200) };
    const text = fields.msg ?? '';
    const sms: Record<string, Entry> = {};
    for (const to of (fields.to ?? '').split(',')) {
      const code = !/^7\d{10}$/.test(to) ? 202 : text.trim() === '' ? 203 : smsParts(text) > 8 ? 205 : numberErrors.get(to) ?? 100;
      if (code !== 100) { sms[to] = { status: 'ERROR', status_code: code, status_text: statusText(code) }; continue; }
      seq += 1;
      const id = `000000-${10_000_000 + seq}`;
      sent.push({ id, to, text, ...(fields.from ? { from: fields.from } : {}), parts: smsParts(text) });
      sms[to] = { status: 'OK', status_code: 100, sms_id: id };
    }
    return { status: 'OK', status_code: 100, sms };
  }

  function answer(res: ServerResponse, fields: Record<string, string>, body: ReturnType<typeof deliver>): void {
    if (fields.json === '1') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ ...body, balance }));
      return;
    }
    // Plain form: the overall code, then per number its sms_id or error code, then the balance.
    const lines = [String(body.status_code), ...Object.values(body.sms ?? {}).map((e) => e.sms_id ?? String(e.status_code)), `balance=${balance}`];
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(lines.join('\n'));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    const form = contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(raw) : new URLSearchParams();
    const fields = { ...Object.fromEntries(parsed.searchParams), ...Object.fromEntries(form) };
    const path = parsed.pathname.replace(/\/+$/, '') || '/';
    requests.push({ method: req.method ?? '', path, contentType, fields });
    if (hanging > 0) { hanging -= 1; return; }
    if (failing > 0) {
      failing -= 1;
      res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>500 Internal Server Error</body></html>');
      return;
    }
    if (path !== '/sms/send') return answer(res, fields, { status: 'ERROR', status_code: 211, status_text: statusText(211) });
    if (req.method !== 'POST') return answer(res, fields, { status: 'ERROR', status_code: 210, status_text: statusText(210) });
    answer(res, fields, deliver(fields));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => { if (!res.headersSent) res.writeHead(500).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url, requests, sent,
    failNext(code) { nextError = code; },
    failNumber(digits, code) { if (code === null) numberErrors.delete(digits); else numberErrors.set(digits, code); },
    fail500(times = 1) { failing = times; },
    hang(times = 1) { hanging = times; },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
