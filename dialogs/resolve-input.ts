import type { InboundInput, OutboundIntent } from './types.ts';

/** The option ids on screen after a prompt, in order: a channel without buttons shows them numbered 1, 2, 3… */
export function optionsOf(intents: readonly OutboundIntent[]): string[] {
  const last = [...intents].reverse().find((i) => i.type === 'choice');
  return last && last.type === 'choice' ? last.options.map((o) => o.id) : [];
}

/** The option ids saved with the state (state data is JSON: anything else reads as none). */
export const optionsOnScreen = (options: unknown): string[] =>
  (Array.isArray(options) ? options.filter((o): o is string => typeof o === 'string') : []);

const COMMANDS = /^\/([a-z_]{1,32})(?:@\w+)?(?:\s+(.+))?$/i;
const MENU_WORDS = new Set(['меню', 'menu', 'начало', 'start', 'старт']);

/**
 * What the resident meant, given the options on screen: «2» (typed or keyed) is the second option, «/menu» or
 * «меню» is the menu, a choice id not on screen stays a choice (the step decides if an old button still means
 * something). Everything else passes through.
 */
export function resolveInput(input: InboundInput, options: unknown): InboundInput {
  const ids = optionsOnScreen(options);
  const text = input.kind === 'text' || input.kind === 'speech' ? input.text.trim() : input.kind === 'dtmf' ? input.digits : null;
  if (text === null) return input;
  const command = COMMANDS.exec(text);
  if (command && input.kind === 'text') return { kind: 'command', command: command[1]!.toLowerCase(), arg: command[2]?.trim() };
  if (MENU_WORDS.has(text.toLowerCase())) return { kind: 'command', command: 'menu' };
  if (/^\d{1,2}$/.test(text) && ids.length > 0) {
    const n = Number(text);
    if (n >= 1 && n <= ids.length) return { kind: 'choice', optionId: ids[n - 1]! };
  }
  return input;
}
