import { makeDialogEngine } from '../../dialogs/engine.ts';
import { ALL_FLOWS } from '../../dialogs/flows/index.ts';
import type { OutboundMessage } from '../../dialogs/channel.port.ts';
import type { Flow } from '../../dialogs/flow.ts';
import type { DialogChannel, DialogReply, InboundInput, OutboundIntent, Phrase } from '../../dialogs/types.ts';
import { makePaymentsService, type PaymentsService } from '../../core/payments/index.ts';
import { settableClock, translate, type Locale, type SettableClock } from '../../core/shared/index.ts';
import type { Database } from '../../core/infra/database/database.ts';
import { makePaymentsOrg, type PaymentsOrg } from './payments-fixture.ts';

export const HARNESS_SECRET = 'h'.repeat(40);

export type DialogHarness = {
  readonly db: Database;
  readonly org: PaymentsOrg;
  readonly payments: PaymentsService;
  readonly clock: SettableClock;
  readonly delivered: OutboundMessage[];
  /** One event from a resident (`user`) on a channel; returns the engine's reply. */
  send(user: string, input: InboundInput | string, options?: { channel?: DialogChannel; eventKey?: string; phone?: string | null }): Promise<DialogReply>;
  close(): void;
};

/** The engine over a real database with an organisation of `accounts` accounts and one month of charges. */
export async function makeDialogHarness(db: Database, slug: string, options: { accounts?: number; flows?: readonly Flow[] } = {}): Promise<DialogHarness> {
  const org = await makePaymentsOrg(db, slug, { accounts: options.accounts ?? 3 });
  const clock = settableClock(new Date());
  const payments = makePaymentsService({ db, clock, secretKey: HARNESS_SECRET, provider: 'sandbox', publicUrl: () => 'http://127.0.0.1:9', sandboxRetryMs: [0] });
  const delivered: OutboundMessage[] = [];
  const engine = makeDialogEngine({
    db, clock, flows: options.flows ?? ALL_FLOWS,
    services: { db, payments, secretKey: HARNESS_SECRET, publicUrl: () => 'http://127.0.0.1:9', fileUrl: (o, f) => `http://127.0.0.1:9/files/${o}/${f}`, deliver: async (m) => { delivered.push(m); } },
  });
  let n = 0;
  return {
    db, org, payments, clock, delivered,
    send: (user, input, o = {}) => engine.handle({
      channel: o.channel ?? 'webchat', orgId: org.orgId, connectionId: null, externalUserId: user, chatId: `chat-${user}`,
      eventKey: o.eventKey ?? `e${++n}`, channelPhone: o.phone ?? null,
      input: typeof input === 'string' ? { kind: 'text', text: input } : input,
    }),
    close: () => payments.close(),
  };
}

const render = (locale: Locale, p: Phrase) => translate(locale, p.key, p.vars ?? {});

/** The reply as the resident reads it: each intent's text, options as «[id] label». */
export function readable(reply: DialogReply): string[] {
  return reply.intents.flatMap((i: OutboundIntent) => {
    switch (i.type) {
      case 'text': return [render(reply.locale, i.text)];
      case 'choice': return [render(reply.locale, i.text), ...i.options.map((o) => `[${o.id}] ${render(reply.locale, o.label)}`)];
      case 'link': return [render(reply.locale, i.text), `<${i.url}>`];
      case 'requestContact': return [render(reply.locale, i.text)];
      case 'document': return [`document ${i.name}`];
      default: return [i.type];
    }
  });
}

export const optionIds = (reply: DialogReply): string[] =>
  reply.intents.flatMap((i) => (i.type === 'choice' ? i.options.map((o) => o.id) : []));
