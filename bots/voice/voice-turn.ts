import { z } from 'zod';
import type { InboundEvent, InboundInput } from '../../dialogs/types.ts';

/**
 * One turn of the robot's call (DOMAIN.md «Messenger and robot limits»). Bounded everywhere: the body comes from a
 * telephony provider, and a bounded schema keeps a confused or hostile caller of the webhook from feeding us megabytes.
 */
export const voiceTurnSchema = z
  .object({
    callId: z.string().regex(/^[\w.:@-]{1,128}$/),
    seq: z.number().int().min(0).max(1_000_000_000),
    provider: z.string().min(1).max(64),
    direction: z.enum(['inbound', 'outbound']),
    from: z.string().max(64),
    to: z.string().min(1).max(64),
    event: z.enum(['call.started', 'input', 'no_input', 'call.ended']),
    input: z
      .object({
        kind: z.enum(['dtmf', 'speech']),
        digits: z.string().regex(/^[0-9*#]{0,64}$/).optional(),
        text: z.string().max(2000).optional(),
        confidence: z.number().min(0).max(1).optional(),
      })
      .optional(),
  })
  .superRefine((turn, ctx) => {
    if (turn.event !== 'input') return;
    if (!turn.input) ctx.addIssue({ code: 'custom', path: ['input'], message: 'required when event is input' });
    else if (turn.input.kind === 'dtmf' && turn.input.digits === undefined) ctx.addIssue({ code: 'custom', path: ['input', 'digits'], message: 'required for dtmf' });
    else if (turn.input.kind === 'speech' && turn.input.text === undefined) ctx.addIssue({ code: 'custom', path: ['input', 'text'], message: 'required for speech' });
  });

export type VoiceTurn = z.output<typeof voiceTurnSchema>;

/**
 * A phone number as digits only. Russian callers arrive as +7…, 8… or 7… depending on the operator: the trunk
 * prefix 8 of an 11-digit number becomes 7, so one person is one identity however the network wrote the number.
 */
export function phoneDigits(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('8') ? `7${digits.slice(1)}` : digits;
}

function inputOf(turn: VoiceTurn): InboundInput {
  switch (turn.event) {
    case 'call.started':
      return { kind: 'command', command: 'start', arg: '' };
    case 'no_input':
      return { kind: 'noInput' };
    case 'call.ended':
      return { kind: 'end' };
    case 'input': {
      const input = turn.input!;
      // `#` only closes the number on the keypad; it is not part of what the resident typed.
      if (input.kind === 'dtmf') return { kind: 'dtmf', digits: (input.digits ?? '').replace(/#+$/, '') };
      return { kind: 'speech', text: input.text ?? '', ...(input.confidence === undefined ? {} : { confidence: input.confidence }) };
    }
  }
}

/**
 * The turn as the engine sees it. A hidden number (no digits) cannot identify anyone across calls, so such a caller
 * is known for this call only and the engine gets no vouched phone.
 */
export function toInboundEvent(turn: VoiceTurn, orgId: string): InboundEvent {
  const digits = phoneDigits(turn.from);
  return {
    channel: 'voice',
    orgId,
    connectionId: null,
    externalUserId: digits || `anonymous:${turn.callId}`,
    chatId: turn.callId,
    eventKey: `voice:${turn.callId}:${turn.seq}`,
    channelPhone: digits ? `+${digits}` : null,
    input: inputOf(turn),
  };
}

/** The first problem's path (`input.digits`), for a 400 that names the field. */
export function firstIssueField(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
}
