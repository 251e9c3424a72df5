import express, { Router } from 'express';
import type { Logger } from '../core/infra/logger/logger.ts';
import type { PaymentsService } from '../core/payments/index.ts';

/** Bank notifications are small JSON; anything bigger is not a notification. */
const HOOK_BODY_LIMIT = '64kb';

/**
 * `POST /hooks/:provider` (tbank, sandbox). The raw bytes go to the provider's verifier: a signature is checked
 * over what was sent, never over a re-serialised object. The answer (T-Bank wants `OK`) is written only after the
 * transaction committed; any failure answers 5xx so the bank delivers again (RELIABILITY.md P2).
 */
export function hooksRoutes(deps: { payments: PaymentsService; logger: Logger }): Router {
  const router = Router();
  router.post('/hooks/:provider', express.raw({ type: () => true, limit: HOOK_BODY_LIMIT }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
    const answer = await deps.payments.hook(String(req.params.provider), body, headers);
    if (answer.outcome === 'rejected' || answer.outcome === 'unknown' || answer.outcome === 'mismatch') {
      deps.logger.warn({ provider: String(req.params.provider), outcome: answer.outcome, requestId: res.locals.requestId }, 'payment notification not applied');
    }
    res.status(answer.status).type(answer.contentType).send(answer.body);
  });
  return router;
}
