import type { BotConnection } from '../../dialogs/channel.port.ts';
import { MAX_DEFAULT_BASE_URL, makeMaxClient, type MaxClient } from './max.client.ts';

/** What every MAX client of this process shares: tests point it at a fake, production leaves it alone. */
export type MaxClientSettings = {
  readonly fetch?: typeof fetch;
  /** Used when the connection's settings name no `baseUrl`. */
  readonly baseUrl?: string;
  readonly sleep?: (ms: number) => Promise<void>;
};

/** The header MAX sets on webhook calls to the `secret` given at subscription. */
export const MAX_SECRET_HEADER = 'x-max-bot-api-secret';
/** SubscriptionRequestBody.secret: `^[a-zA-Z0-9_-]{5,256}$`; MAX refuses any other subscription. */
export const MAX_SECRET_SHAPE = /^[A-Za-z0-9_-]{5,256}$/;

const isHttpUrl = (value: unknown): value is string => {
  try {
    return typeof value === 'string' && ['https:', 'http:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** settings.baseUrl (set in admin) over the process default over https://platform-api.max.ru. */
export function baseUrlOf(connection: BotConnection, fallback?: string): string {
  const own = connection.settings['baseUrl'];
  return isHttpUrl(own) ? own : fallback ?? MAX_DEFAULT_BASE_URL;
}

export function clientForConnection(connection: BotConnection, settings: MaxClientSettings = {}): MaxClient {
  return makeMaxClient({ token: connection.token, baseUrl: baseUrlOf(connection, settings.baseUrl), fetch: settings.fetch, sleep: settings.sleep });
}

