import type { Database } from '../core/infra/database/database.ts';
import type { PaymentsService } from '../core/payments/index.ts';
import type { OutboundMessage } from './channel.port.ts';

/** What steps use besides their transaction: the payments service (own transactions, the bank) and the keys. */
export type DialogServices = {
  /** For work after the turn's transaction (Turn.after): its own transactions. */
  readonly db: Database;
  readonly payments: PaymentsService;
  readonly secretKey: string;
  /** Where residents reach us (pay links, documents). */
  readonly publicUrl: () => string;
  /** A signed, short-lived URL of a conversation file (a PDF statement). */
  readonly fileUrl: (orgId: string, fileId: string) => string;
  /** Queues a message to a resident's chat on another channel (the robot sends the pay link to their messenger). */
  readonly deliver: (message: OutboundMessage) => Promise<void>;
};
