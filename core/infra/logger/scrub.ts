/**
 * Personal data and secrets never reach logs (RELIABILITY.md A6, 152-ФЗ). Two nets: fields whose names say
 * they hold such data are replaced whole; any other string is searched for phones, e-mails, card numbers and
 * bearer tokens.
 */
const SENSITIVE_KEY =
  /pass(word)?|secret|token|authorization|cookie|session|api[-_]?key|phone|e-?mail|full_?name|payer_?name|first_?name|last_?name|middle_?name|fio|address|passport|snils|card|pan|text|body|contact/i;

export const REDACTED = '[redacted]';

const PATTERNS: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 [redacted]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  // Russian phones in the ways people write them: +7 912 345-67-89, 8(912)3456789, 79123456789.
  [/(?:\+7|\b[78])[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}\b/g, '[phone]'],
  // Card numbers and Telegram bot tokens (123456:ABC…).
  [/\b(?:\d[ -]?){13,19}\b/g, '[number]'],
  [/\b\d{6,12}:[A-Za-z0-9_-]{30,}\b/g, '[token]'],
];

export function scrubString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy with sensitive keys replaced and strings scrubbed; depth-bounded so a cyclic object cannot hang it. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Date) return value;
  if (value instanceof Error) return scrubError(value);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'boolean' ? REDACTED : scrub(v, depth + 1);
  }
  return out;
}

/** Name, code, message (scrubbed) and stack: a `cause` or custom fields may carry payloads, so they stay out. */
export function scrubError(e: Error & { code?: unknown }): Record<string, unknown> {
  return { type: e.name, code: e.code, message: scrubString(String(e.message ?? '')), stack: e.stack ? scrubString(e.stack) : undefined };
}
