import type { ComponentChildren } from 'preact';
import type { Ctx } from '../pay-http.ts';

/**
 * The resident's pages: one narrow column that reads on a 375 px phone and simply centres on a desktop. No
 * inline script or style (the CSP forbids them): pay.css and pay.js only. `refresh` is the no-script fallback of
 * a status page that waits for the bank.
 */
export function PayLayout(props: { ctx: Ctx; title: string; refresh?: boolean; here?: string; children: ComponentChildren }) {
  const { ctx, title, refresh, here, children } = props;
  const { t, locale } = ctx;
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} — ${t('product')}`}</title>
        <link rel="stylesheet" href="/pay/static/pay.css" />
        <script src="/pay/static/pay.js" defer></script>
        {refresh && <noscript><meta http-equiv="refresh" content="5" /></noscript>}
      </head>
      <body>
        <header class="brand">
          <span class="brand-mark" aria-hidden="true">₽</span>
          <span class="brand-name">{t('service')}</span>
        </header>
        <main>{children}</main>
        <footer>
          {here ? <LanguageLinks here={here} /> : null}
        </footer>
      </body>
    </html>
  );
}

/** The same page in the other language: `?lang=` rides on our own link, so the choice survives the form posts. */
function LanguageLinks({ here }: { here: string }) {
  const sep = here.includes('?') ? '&' : '?';
  return (
    <nav class="langs">
      <a href={`${here}${sep}lang=ru`} lang="ru">Русский</a>
      <a href={`${here}${sep}lang=en`} lang="en">English</a>
    </nav>
  );
}

/** A label and a value, as the screenshot of the page shows them: the label small above, the value large. */
export function Fact({ label, children, id }: { label: string; id?: string; children: ComponentChildren }) {
  return (
    <div class="fact" id={id}>
      <div class="fact-label">{label}</div>
      <div class="fact-value">{children}</div>
    </div>
  );
}
