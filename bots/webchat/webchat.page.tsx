import { render } from 'preact-render-to-string';
import type { Locale } from '../../core/shared/index.ts';

type T = (key: string, vars?: Readonly<Record<string, unknown>>) => string;

/**
 * The chat page: an empty log the script fills, a text box and a send button that stays disabled until the script
 * runs (without it a submit would put the message in a URL). No inline script or style: the CSP forbids both.
 * The script's texts ride on data- attributes, already in the visitor's language.
 */
function ChatPage({ t, locale, org, slug }: { t: T; locale: Locale; org: { name: string }; slug: string }) {
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{t('chat.title', { name: org.name })}</title>
        {/* No favicon request (a 404 in every visitor's console); data: is allowed by img-src. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/chat/static/chat.css" />
        <script src="/chat/static/chat.js" defer></script>
      </head>
      <body>
        <header class="head">
          <h1>{org.name}</h1>
          <span class="service">{t('chat.service')}</span>
          <nav class="langs">
            <a href={`/chat/${slug}?lang=ru`} lang="ru">Русский</a>
            <a href={`/chat/${slug}?lang=en`} lang="en">English</a>
          </nav>
        </header>
        <main
          id="chat"
          data-org={slug}
          data-lang={locale}
          data-open={t('chat.openLink')}
          data-download={t('chat.download')}
          data-image={t('chat.image')}
          data-failed={t('chat.sendFailed')}
          data-slow={t('chat.tooFast')}
          data-you={t('chat.you')}
          data-bot={t('chat.bot')}
        >
          <ol id="log" class="log" aria-live="polite"></ol>
          <noscript><p class="notice">{t('chat.noscript')}</p></noscript>
        </main>
        <form id="compose" class="compose" autocomplete="off">
          <label for="text" class="hidden">{t('chat.placeholder')}</label>
          <textarea id="text" name="text" rows={1} maxLength={4000} placeholder={t('chat.placeholder')} required></textarea>
          <button type="submit" disabled>{t('chat.send')}</button>
        </form>
      </body>
    </html>
  );
}

function MissingPage({ t, locale }: { t: T; locale: Locale }) {
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{t('chat.missingTitle')}</title>
        <link rel="stylesheet" href="/chat/static/chat.css" />
      </head>
      <body>
        <main class="missing">
          <h1>{t('chat.missingTitle')}</h1>
          <p>{t('chat.missingText')}</p>
        </main>
      </body>
    </html>
  );
}

/** preact-render-to-string escapes every text and attribute: an organisation's name stays text. */
export const chatPageHtml = (props: { t: T; locale: Locale; org: { name: string }; slug: string }): string => `<!doctype html>${render(<ChatPage {...props} />)}`;

export const missingPageHtml = (props: { t: T; locale: Locale }): string => `<!doctype html>${render(<MissingPage {...props} />)}`;
