import type { Ctx } from '../pay-http.ts';
import { PayLayout } from './layout.tsx';

/**
 * A dead end told kindly: a broken or old link, a page that is not there, a refused post. Only the message: no
 * account, no organisation, nothing that would tell a prober which tokens or ids are real.
 */
export function MessagePage({ ctx, title, text }: { ctx: Ctx; title: string; text: string }) {
  return (
    <PayLayout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <section class="card message" role="alert">
        <p>{text}</p>
        <p class="muted">{ctx.t('messageHelp')}</p>
      </section>
    </PayLayout>
  );
}
