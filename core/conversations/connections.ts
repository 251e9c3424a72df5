import { randomBytes } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { AppError, err, ok, seal, unseal, type Clock, type Result } from '../shared/index.ts';
import { BOT_CHANNELS, type BotChannel } from './conversations.entity.ts';

/** A bot connection as the adapters use it: the token and secret opened. */
export type BotConnection = {
  readonly id: string;
  readonly orgId: string | null;
  readonly channel: BotChannel;
  readonly title: string;
  readonly token: string;
  readonly webhookSecret: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly active: boolean;
};

/** What admin shows: never the token, only whether one is set and its last four characters. */
export type ConnectionView = {
  readonly id: string;
  readonly channel: BotChannel;
  readonly title: string;
  readonly tokenTail: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly active: boolean;
  readonly state: string;
  readonly stateDetail: string | null;
  readonly stateAt: Date | null;
  readonly lastErrors: readonly { at: string; message: string }[];
};

type Row = {
  id: string; org_id: string | null; channel: BotChannel; title: string; token_sealed: string; secret_sealed: string;
  settings: Record<string, unknown>; active: boolean; state: string; state_detail: string | null; state_at: Date | null;
  last_errors: { at: string; message: string }[];
};

const TOKEN = 'bot-token';
const SECRET = 'bot-webhook-secret';
const KEPT_ERRORS = 10;

export type ConnectionsDeps = { readonly db: Database; readonly clock: Clock; readonly secretKey: string };

export function makeConnections(deps: ConnectionsDeps) {
  const open = (row: Row): BotConnection => ({
    id: row.id, orgId: row.org_id, channel: row.channel, title: row.title,
    token: unseal(deps.secretKey, TOKEN, row.token_sealed) ?? '',
    webhookSecret: unseal(deps.secretKey, SECRET, row.secret_sealed) ?? '',
    settings: row.settings ?? {}, active: row.active,
  });
  const view = (row: Row): ConnectionView => {
    const token = unseal(deps.secretKey, TOKEN, row.token_sealed) ?? '';
    return {
      id: row.id, channel: row.channel, title: row.title, tokenTail: token ? `…${token.slice(-4)}` : '', settings: row.settings ?? {},
      active: row.active, state: row.state, stateDetail: row.state_detail, stateAt: row.state_at, lastErrors: row.last_errors ?? [],
    };
  };
  /** Adapters report state from outside any tenant: the row is found by id through the owner-rights function. */
  const update = async (id: string, sql: string, params: unknown[]) => {
    const [row] = await deps.db.read((em) => em.execute<Row[]>('select * from fp_bot_connection(?)', [id]));
    if (!row) return;
    const run = (em: Em) => em.execute(`update bot_connections set ${sql} where id = ?`, [...params, id]);
    await (row.org_id ? deps.db.withTenant(row.org_id, run) : deps.db.withoutTenant(run));
  };

  return {
    async find(id: string): Promise<BotConnection | null> {
      const [row] = await deps.db.read((em) => em.execute<Row[]>('select * from fp_bot_connection(?)', [id]));
      return row ? open(row) : null;
    },
    async list(channel: BotChannel): Promise<readonly BotConnection[]> {
      const rows = await deps.db.read((em) => em.execute<Row[]>('select * from fp_bot_connections(?)', [channel]));
      return rows.map(open);
    },
    reportState: (id: string, state: string, detail?: string | null) =>
      update(id, 'state = ?, state_detail = ?, state_at = ?', [state.slice(0, 16), detail ?? null, deps.clock.now()]),
    async reportError(id: string, message: string): Promise<void> {
      const entry = JSON.stringify([{ at: deps.clock.now().toISOString(), message: message.slice(0, 300) }]);
      await update(id, `last_errors = (select coalesce(jsonb_agg(e), '[]'::jsonb) from (select e from jsonb_array_elements(?::jsonb || last_errors) e limit ${KEPT_ERRORS}) x)`, [entry]);
    },

    /** The organisation's connections for its admin pages. */
    listForOrg: (orgId: string) => deps.db.withTenant(orgId, async (em) =>
      (await em.execute<Row[]>('select * from bot_connections where org_id = ? order by created_at', [orgId])).map(view)),

    /** Connects a bot: the token is kept sealed; a fresh webhook secret is made for it. */
    async add(orgId: string, input: { channel: string; title: string; token: string; settings?: Record<string, unknown> }): Promise<Result<ConnectionView, AppError>> {
      if (!(BOT_CHANNELS as readonly string[]).includes(input.channel)) return err(new AppError('DIALOGS.CHANNEL_INVALID', { field: 'channel' }));
      const channel = input.channel as BotChannel;
      const token = input.token.trim();
      if (channel !== 'whatsapp' && !/^[\w:.-]{8,200}$/.test(token)) return err(new AppError('DIALOGS.TOKEN_INVALID', { field: 'token' }));
      const title = input.title.trim().slice(0, 120) || channel;
      const secret = randomBytes(24).toString('base64url');
      const [row] = await deps.db.withTenant(orgId, (em) => em.execute<Row[]>(
        `insert into bot_connections (id, org_id, channel, title, token_sealed, secret_sealed, settings, active, state, last_errors, created_at, updated_at)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, true, 'new', '[]', ?, ?) returning *`,
        [orgId, channel, title, seal(deps.secretKey, TOKEN, token), seal(deps.secretKey, SECRET, secret), JSON.stringify(input.settings ?? {}), deps.clock.now(), deps.clock.now()]));
      return ok(view(row!));
    },

    /** The platform's bot (no organisation): set up from the CLI, it serves residents of several organisations. */
    async addPlatform(input: { channel: BotChannel; title: string; token: string; settings?: Record<string, unknown> }): Promise<string> {
      const [row] = await deps.db.withoutTenant((em) => em.execute<{ id: string }[]>(
        `insert into bot_connections (id, org_id, channel, title, token_sealed, secret_sealed, settings, active, state, last_errors, created_at, updated_at)
         values (gen_random_uuid(), null, ?, ?, ?, ?, ?, true, 'new', '[]', ?, ?) returning id`,
        [input.channel, input.title, seal(deps.secretKey, TOKEN, input.token), seal(deps.secretKey, SECRET, randomBytes(24).toString('base64url')),
          JSON.stringify(input.settings ?? {}), deps.clock.now(), deps.clock.now()]));
      return row!.id;
    },

    setActive: (orgId: string, id: string, active: boolean) => deps.db.withTenant(orgId, async (em) =>
      (await em.execute<{ id: string }[]>('update bot_connections set active = ?, updated_at = ? where org_id = ? and id = ? returning id', [active, deps.clock.now(), orgId, id])).length === 1),
  };
}

export type Connections = ReturnType<typeof makeConnections>;
