import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { InboundInput } from '../../dialogs/types.ts';

/** The page makes 32 url-safe characters; other clients may use any opaque id in this alphabet. */
export const SESSION = /^[A-Za-z0-9_-]{16,128}$/;

/** Longer than any sensible chat message, well inside Telegram's 4096 so a text can be forwarded to staff as is. */
export const MAX_TEXT = 4000;

const bodySchema = z.object({
  session: z.string().regex(SESSION),
  text: z.string().max(MAX_TEXT).refine((t) => t.trim().length > 0).optional(),
  // Option ids are at most 32 ASCII bytes (dialogs/types.ts ChoiceOption).
  choice: z.string().regex(/^[\x21-\x7e]{1,32}$/).optional(),
  // The client's id of this message: a retried POST carries the same one and is applied once.
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});

export type WebchatBody = z.output<typeof bodySchema>;

/** What went wrong, named by field, for a 400 the page (or a developer with curl) can act on. */
export type BodyProblem = { readonly field: string; readonly reason: 'invalid' | 'oneOf' };

export function parseBody(body: unknown): { ok: true; body: WebchatBody } | { ok: false; problem: BodyProblem } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, problem: { field: 'body', reason: 'invalid' } };
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path ?? [];
    return { ok: false, problem: { field: path.length > 0 ? path.map(String).join('.') : 'body', reason: 'invalid' } };
  }
  const { text, choice } = parsed.data;
  if (text !== undefined && choice !== undefined) return { ok: false, problem: { field: 'choice', reason: 'oneOf' } };
  if (text === undefined && choice === undefined) return { ok: false, problem: { field: 'text', reason: 'oneOf' } };
  return { ok: true, body: parsed.data };
}

/** `/start <token>`, `/menu`: a slash command as the engine's command; anything else is text. */
export function inputOf(body: WebchatBody): InboundInput {
  if (body.choice !== undefined) return { kind: 'choice', optionId: body.choice };
  const text = (body.text ?? '').trim();
  const command = /^\/([A-Za-z]\w{0,31})(?:\s+([\s\S]*))?$/.exec(text);
  if (command) return { kind: 'command', command: command[1]!.toLowerCase(), arg: (command[2] ?? '').trim() };
  return { kind: 'text', text };
}

/**
 * Who the resident is in this organisation's chat. The session is a bearer secret held by the browser: only this
 * hash is stored or passed on, so a database or log reader cannot take over a chat.
 */
export const sessionHash = (orgId: string, session: string): string =>
  createHash('sha256').update(`${orgId}:${session}`, 'utf8').digest('hex').slice(0, 40);

/** `?after=` of a poll: a whole number, 0 when absent. */
export function parseAfter(raw: unknown): number | null {
  if (raw === undefined) return 0;
  return typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}
