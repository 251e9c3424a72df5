import { makeConsoleSms } from './console.sender.ts';
import { makeSmsRuSender } from './smsru.client.ts';
import type { SmsSender } from './sms.port.ts';

/** SMS.ru when SMS_RU_API_ID is set; otherwise (embedded trials) the console, as mail falls back without SMTP_URL. */
export function makeSms(options: { readonly apiId?: string; readonly baseUrl?: string; readonly from?: string }): SmsSender {
  if (!options.apiId) return makeConsoleSms();
  return makeSmsRuSender({
    apiId: options.apiId,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.from ? { from: options.from } : {}),
  });
}
