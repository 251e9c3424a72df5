import type { Router } from 'express';
import { sendForeignPost, sendLinkError } from './pay-answers.tsx';
import { field, pageContext, sameOrigin, sendPage, type PayDeps } from './pay-http.ts';
import { PlatePage } from './views/plate.tsx';

/** Status of a refused lookup: the limit is 429 (retry later), a wrong or closed number 422 (fix the field). */
const statusOf = (code: string) => (code === 'PAYMENTS.TOO_MANY_ATTEMPTS' ? 429 : 422);

/** The typed-account page (RELIABILITY.md A2): rate-limited by findAccount, answered only with what it returns. */
export function payPlateRoutes(router: Router, deps: PayDeps): void {
  router.get('/pay/o/:token', async (req, res) => {
    const ctx = pageContext(req, 'pay');
    const token = String(req.params.token);
    const plate = await deps.payments.openPlate(token);
    if (!plate.ok) return sendLinkError(res, ctx, plate.error);
    sendPage(res, <PlatePage ctx={ctx} view={{ org: plate.value.org, collectorName: plate.value.collectorName, token, number: '' }} />);
  });

  router.post('/pay/o/:token', async (req, res) => {
    const ctx = pageContext(req, 'pay');
    if (!sameOrigin(req, deps.publicUrl())) return sendForeignPost(res, ctx);
    const token = String(req.params.token);
    const plate = await deps.payments.openPlate(token);
    if (!plate.ok) return sendLinkError(res, ctx, plate.error);
    const number = field(req.body, 'account').trim().slice(0, 32);
    // req.ip: the client, or the proxy's X-Forwarded-For when the proxy is on loopback (trust proxy).
    const found = await deps.payments.findAccount(token, number, req.ip ?? 'unknown');
    const view = { org: plate.value.org, collectorName: plate.value.collectorName, token, number };
    if (!found.ok) {
      // A link that stopped opening between the two reads (a key retired) is a link problem, not a field one.
      if (found.error.code.startsWith('PAYMENTS.LINK_')) return sendLinkError(res, ctx, found.error);
      return sendPage(res, <PlatePage ctx={ctx} view={{ ...view, error: found.error }} />, statusOf(found.error.code));
    }
    sendPage(res, <PlatePage ctx={ctx} view={{ ...view, found: found.value }} />);
  });
}
