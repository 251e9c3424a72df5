import { z } from 'zod';
import { LOCALES } from '../../core/shared/index.ts';
import { PermanentJobError, type Job, type JobHandler, type JobPayload } from '../../core/infra/queue/queue.port.ts';
import type { DialogGateway, OutboundMessage } from '../../dialogs/channel.port.ts';
import type { InboundEvent } from '../../dialogs/types.ts';

/**
 * The WhatsApp process and the worker talk through two topics: the process enqueues what residents wrote on
 * `whatsapp.inbound` (a worker runs the dialogs), and sends what the worker queues on `outbound.whatsapp`.
 * Payloads are JSON, so a file's bytes travel as base64.
 */
export const WHATSAPP_TOPICS = { inbound: 'whatsapp.inbound', outbound: 'outbound.whatsapp' } as const;

const text = z.string().max(65_536);
const input = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text }),
  z.object({ kind: z.literal('command'), command: z.string().min(1).max(32), arg: text.optional() }),
  z.object({ kind: z.literal('contact'), phone: z.string().min(1).max(32), own: z.boolean() }),
  z.object({
    kind: z.literal('file'),
    file: z.object({ name: z.string().max(255), mime: z.string().max(255), data: z.base64() }),
    caption: text.optional(),
  }),
]);
const serialisedEvent = z.object({
  channel: z.literal('whatsapp'),
  orgId: z.string(),
  connectionId: z.string().nullable(),
  externalUserId: z.string().min(1).max(64),
  chatId: z.string().min(1).max(128),
  eventKey: z.string().max(100).optional(),
  channelPhone: z.string().nullable().optional(),
  input,
});
export type SerialisedEvent = z.infer<typeof serialisedEvent>;

export const serialiseEvent = (event: InboundEvent): SerialisedEvent => {
  const { input: i, localeHint: _hint, ...rest } = event;
  if (rest.channel !== 'whatsapp') throw new RangeError(`not a WhatsApp event: ${rest.channel}`);
  const wire = i.kind === 'file' ? { ...i, file: { ...i.file, data: i.file.data.toString('base64') } } : i;
  return serialisedEvent.parse({ ...rest, input: wire });
};

/** A payload that does not parse never will: the job fails for good instead of retrying. */
export const deserialiseEvent = (payload: unknown): InboundEvent => {
  const parsed = serialisedEvent.safeParse(payload);
  if (!parsed.success) throw new PermanentJobError('WHATSAPP.BAD_INBOUND_PAYLOAD');
  const { input: i, ...rest } = parsed.data;
  return { ...rest, input: i.kind === 'file' ? { ...i, file: { ...i.file, data: Buffer.from(i.file.data, 'base64') } } : i };
};

/** What the process enqueues: `{ event }`, with the event key as the job id so a redelivered message is queued once. */
export const inboundJob = (event: InboundEvent): { payload: JobPayload; jobId: string | undefined } => ({
  payload: { event: serialiseEvent(event) },
  jobId: event.eventKey,
});

/** The worker's consumer of `whatsapp.inbound`: the dialogs handle the event and queue the replies. */
export const whatsappInboundHandler = (gateway: DialogGateway): JobHandler => async (job: Job) => {
  await gateway.receive(deserialiseEvent(job.payload.event));
};

// Intents are checked by the renderer's exhaustive switch; here only what routing and the opt-in check need.
const outbound = z.object({
  channel: z.literal('whatsapp'),
  orgId: z.string(),
  connectionId: z.string().nullable(),
  chatId: z.string().min(1),
  locale: z.enum(LOCALES),
  intents: z.array(z.looseObject({ type: z.string() })),
  expect: z.looseObject({ kind: z.string() }),
  key: z.string().min(1),
});

/** `outbound.whatsapp` jobs carry `{ message: OutboundMessage }` (a bare OutboundMessage is accepted too). */
export const outboundJob = (message: OutboundMessage): JobPayload => ({ message });

export const deserialiseOutbound = (payload: JobPayload): OutboundMessage => {
  const parsed = outbound.safeParse('message' in payload ? payload.message : payload);
  if (!parsed.success) throw new PermanentJobError('WHATSAPP.BAD_OUTBOUND_PAYLOAD');
  return parsed.data as unknown as OutboundMessage;
};
