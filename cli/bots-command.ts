import { parseArgs } from 'node:util';
import { BOT_CHANNELS, type BotChannel } from '../core/conversations/index.ts';
import { translate } from '../core/shared/index.ts';
import type { App } from './compose.ts';

const say = (key: string, vars: Readonly<Record<string, unknown>> = {}) => console.log(translate('ru', `cli.${key}`, vars));
const complain = (key: string, vars: Readonly<Record<string, unknown>> = {}) => console.error(translate('ru', `cli.${key}`, vars));

/**
 * `familypay bots add-platform --channel telegram|max --token T [--title NAME]`: the platform's own bot, which
 * serves residents of every organisation (the organisation comes from the signed deep link they open, then from
 * what they talked to last). `familypay bots list`: the platform's bots. An organisation's own bots are connected
 * in its admin. 0 done, 2 a usage mistake.
 */
export async function botsCommand(app: App, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { channel: { type: 'string' }, token: { type: 'string' }, title: { type: 'string' } } });
  } catch {
    complain('botsUsage');
    return 2;
  }
  const { values, positionals: [sub, ...rest] } = parsed;
  if (sub === 'list' && rest.length === 0) {
    for (const channel of BOT_CHANNELS) {
      for (const bot of await app.connections.list(channel)) if (bot.orgId === null) say('botsLine', { id: bot.id, channel, title: bot.title });
    }
    return 0;
  }
  const channel = values.channel as BotChannel | undefined;
  if (sub !== 'add-platform' || rest.length > 0 || (channel !== 'telegram' && channel !== 'max') || !values.token || !/^[\w:.-]{8,200}$/.test(values.token)) {
    complain('botsUsage');
    return 2;
  }
  const id = await app.connections.addPlatform({ channel, title: values.title?.trim().slice(0, 120) || `FamilyPay (${channel})`, token: values.token });
  say('botsAdded', { id, channel, url: `${app.config.PUBLIC_URL ?? app.publicUrl}/hooks/${channel}/${id}` });
  return 0;
}
