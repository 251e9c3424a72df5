import { signFileRef } from '../core/documents/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import type { QueuePort } from '../core/infra/queue/queue.port.ts';
import type { PaymentsService } from '../core/payments/index.ts';
import type { Clock } from '../core/shared/index.ts';
import type { DialogGateway, OutboundMessage } from './channel.port.ts';
import { makeDialogEngine } from './engine.ts';
import { ALL_FLOWS } from './flows/index.ts';
import { makeDeliver, makeGateway } from './outbound.ts';
import type { DialogPort } from './types.ts';

/** How long a document link sent in a chat works. */
export const FILE_LINK_DAYS = 30;

export type Dialogs = {
  readonly engine: DialogPort;
  readonly gateway: DialogGateway;
  readonly deliver: (message: OutboundMessage) => Promise<void>;
  /** A signed, expiring link to a stored file (documents we send, attachments of staff answers). */
  readonly fileUrl: (orgId: string, fileId: string) => string;
};

export function makeDialogs(deps: {
  db: Database; clock: Clock; queue: QueuePort; payments: PaymentsService; secretKey: string; publicUrl: () => string; concurrency?: number;
  onTurn?: (ms: number) => void;
}): Dialogs {
  const deliver = makeDeliver(deps.queue);
  const fileUrl = (orgId: string, fileId: string) => {
    const expires = Math.floor(deps.clock.now().getTime() / 1000) + FILE_LINK_DAYS * 86_400;
    return `${deps.publicUrl()}/files/${orgId}/${fileId}?e=${expires}&s=${signFileRef(deps.secretKey, orgId, fileId, expires)}`;
  };
  const engine = makeDialogEngine({
    db: deps.db, clock: deps.clock, flows: ALL_FLOWS, concurrency: deps.concurrency, onTurn: deps.onTurn,
    services: { db: deps.db, payments: deps.payments, secretKey: deps.secretKey, publicUrl: deps.publicUrl, fileUrl, deliver },
  });
  return { engine, gateway: makeGateway(engine, deliver), deliver, fileUrl };
}
