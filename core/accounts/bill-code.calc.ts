import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one-time code printed on an account's bill for a month: six digits from an HMAC of the organisation, the
 * account and the period under the service key. Nothing is stored; a new bill brings a new code, so an old bill
 * found in a mailbox stops proving anything after two months. Only the holder of the bill (or staff) knows it.
 */
export function billCode(secretKey: string, orgId: string, accountId: string, period: string): string {
  const mac = createHmac('sha256', secretKey).update(`bill-code:${orgId}:${accountId}:${period}`).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** The periods whose codes are accepted on `today` (YYYY-MM): this month's bill and last month's. */
export function billCodePeriods(today: string): string[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  return [today, previous];
}

/** Whether `typed` is the code of one of the accepted periods; compared in constant time. */
export function checkBillCode(secretKey: string, orgId: string, accountId: string, today: string, typed: string): boolean {
  const given = Buffer.from(typed.replace(/\D/g, '').padStart(6, '0').slice(-6));
  let match = false;
  for (const period of billCodePeriods(today)) {
    if (timingSafeEqual(given, Buffer.from(billCode(secretKey, orgId, accountId, period)))) match = true;
  }
  return match && /^\s*\d{6}\s*$/.test(typed);
}
