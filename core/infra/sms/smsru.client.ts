import { prepareSms, type SmsFailure, type SmsResult, type SmsSender } from './sms.port.ts';

/**
 * SMS.ru HTTP API (sms.ru/api/send): POST /sms/send with form fields api_id, to, msg, json=1 and the optional
 * from (a sender name approved in the SMS.ru account). The JSON answer has an overall status/status_code and,
 * under `sms`, one entry per number with its own status/status_code and, when accepted, sms_id.
 */
export type SmsRuOptions = {
  readonly apiId: string;
  readonly baseUrl?: string;
  readonly from?: string;
  readonly fetch?: typeof globalThis.fetch;
  readonly timeoutMs?: number;
};

/**
 * Codes that the same request will meet again until a person changes something outside this process. The api_id
 * and sender come from configuration read once at start, so no retry by this process can cure 200/204/221/30x;
 * a wrong, unrouted or stop-listed number and a refused text stay so.
 */
const PERMANENT: Readonly<Record<number, string>> = {
  200: 'wrong api_id',
  202: 'number refused or no route',
  203: 'no message text',
  204: 'sender not enabled for this operator',
  205: 'message longer than 8 parts',
  207: 'no route to the number',
  208: 'wrong time parameter',
  209: 'number in the account stop list',
  210: 'GET used where POST is required',
  211: 'method not found',
  212: 'text not in UTF-8',
  213: 'too many numbers',
  214: 'number abroad and the account sends to Russia only',
  215: 'number in the SMS.ru stop list after a spam complaint',
  216: 'forbidden word in the text',
  217: 'credit advertising without the required phrase',
  221: 'a letter sender name is required',
  300: 'wrong token',
  301: 'wrong api_id or login',
  302: 'account not confirmed',
};

/**
 * Codes that time or a top-up cures with the request unchanged. No money (201) is among them: an operator tops up
 * the balance within the retry schedule, and the resident who consented should not lose the answer to an empty
 * account. Unknown codes count as transient too: a few bounded retries cost less than a dropped answer.
 */
const TRANSIENT: Readonly<Record<number, string>> = {
  201: 'not enough money on the account',
  206: 'daily sending limit reached',
  220: 'service temporarily unavailable',
  230: 'daily limit of messages to the number reached',
  231: 'limit of identical messages to the number per minute',
  232: 'limit of identical messages to the number per day',
  233: 'limit of repeated code messages to the number',
  500: 'server error',
  501: 'limit: sender IP in TOR',
  502: 'limit: IP does not match the country',
  503: 'limit: too many messages to the country',
  504: 'limit: too many authorisations abroad',
  505: 'limit: too many messages from one IP',
  506: 'limit: too many messages from a hosting IP',
  508: 'limit: too many calls',
};

/** The reason names our description of the code, never SMS.ru's status_text, which is free text we do not vet. */
export function smsRuFailure(code: unknown): SmsFailure {
  const n = typeof code === 'number' ? code : typeof code === 'string' && /^-?\d{1,4}$/.test(code) ? Number(code) : NaN;
  if (!Number.isInteger(n)) return { ok: false, permanent: false, reason: 'SMS.ru: answer without a status code' };
  const permanent = PERMANENT[n];
  if (permanent !== undefined) return { ok: false, permanent: true, reason: `SMS.ru ${n}: ${permanent}` };
  return { ok: false, permanent: false, reason: `SMS.ru ${n}: ${TRANSIENT[n] ?? 'unknown code'}` };
}

type Entry = { readonly status?: unknown; readonly status_code?: unknown; readonly sms_id?: unknown };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The overall status first (auth, sender, balance), then this number's own entry. */
export function readSmsRuAnswer(body: unknown, digits: string): SmsResult {
  if (!isObject(body)) return { ok: false, permanent: false, reason: 'SMS.ru: answer is not a JSON object' };
  if (body.status !== 'OK') return smsRuFailure(body.status_code);
  const entries = isObject(body.sms) ? body.sms : {};
  const values = Object.values(entries);
  const entry = (entries[digits] ?? (values.length === 1 ? values[0] : undefined)) as Entry | undefined;
  if (!isObject(entry)) return { ok: false, permanent: false, reason: 'SMS.ru: no result for the number' };
  if (entry.status !== 'OK') return smsRuFailure(entry.status_code);
  const id = entry.sms_id;
  if (typeof id === 'string' && id !== '') return { ok: true, id };
  if (typeof id === 'number') return { ok: true, id: String(id) };
  return { ok: false, permanent: false, reason: 'SMS.ru: accepted without sms_id' };
}

/**
 * 5xx, 408 and 429 may pass; another 4xx means the request itself is wrong (a bad SMS_API_URL, say) and will be
 * refused again.
 */
function httpFailure(status: number): SmsFailure {
  const transient = status >= 500 || status === 408 || status === 429;
  return { ok: false, permanent: !transient, reason: `SMS.ru: HTTP ${status}` };
}

/**
 * No answer in time, or no connection. Transient, though a timed-out request may have been sent: a retry can
 * then deliver the answer twice, which SMS.ru's own limit on identical messages per minute (231) partly guards.
 */
function fetchFailure(error: unknown, timeoutMs: number): SmsFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, permanent: false, reason: `SMS.ru: no answer within ${timeoutMs} ms` };
  const cause = error instanceof Error && isObject(error.cause) ? error.cause.code : undefined;
  const code = typeof cause === 'string' && /^[A-Z_]{2,40}$/.test(cause) ? ` (${cause})` : '';
  return { ok: false, permanent: false, reason: `SMS.ru: network error${code}` };
}

export function makeSmsRuSender(options: SmsRuOptions): SmsSender {
  const { apiId, baseUrl = 'https://sms.ru', from, fetch = globalThis.fetch, timeoutMs = 10_000 } = options;
  const endpoint = new URL('sms/send', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);

  return {
    kind: 'smsru',
    async send(message) {
      const prepared = prepareSms(message);
      if (!prepared.ok) return prepared;
      const form = new URLSearchParams({ api_id: apiId, to: prepared.digits, msg: prepared.text, json: '1' });
      if (from) form.set('from', from);
      try {
        // One signal bounds both the headers and the body: a gateway that stalls mid-answer still times out.
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
          body: form.toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const raw = await response.text();
        if (!response.ok) return httpFailure(response.status);
        let body: unknown;
        try { body = JSON.parse(raw); } catch { return { ok: false, permanent: false, reason: 'SMS.ru: answer is not JSON' }; }
        return readSmsRuAnswer(body, prepared.digits);
      } catch (error) {
        return fetchFailure(error, timeoutMs);
      }
    },
  };
}
