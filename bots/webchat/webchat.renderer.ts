import { translate, type Locale } from '../../core/shared/index.ts';
import type { OutboundIntent, Phrase } from '../../dialogs/types.ts';

/** The web chat's reply objects (issue 6, «Web chat»): what `POST /chat/api/:orgSlug/messages` answers. */
export type WebchatReply =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'choice'; readonly text: string; readonly options: readonly { readonly id: string; readonly label: string }[] }
  | { readonly type: 'link'; readonly text: string; readonly url: string }
  | { readonly type: 'document'; readonly name: string; readonly url: string }
  | { readonly type: 'image'; readonly url: string };

/**
 * Only web addresses and our own paths become links: the page puts `url` in an href, and a `javascript:` URL from a
 * mistyped template must not become a click away from running in the resident's page.
 */
export const isSafeUrl = (url: string): boolean => /^(https?:\/\/|\/(?!\/))/i.test(url);

function renderIntent(intent: OutboundIntent, locale: Locale): WebchatReply[] {
  const t = (p: Phrase) => translate(locale, p.key, p.vars);
  const chat = (key: string, vars?: Record<string, string>) => translate(locale, `chat.${key}`, vars);
  const caption = (p?: Phrase): WebchatReply[] => (p ? [{ type: 'text', text: t(p) }] : []);
  switch (intent.type) {
    case 'text':
      return [{ type: 'text', text: t(intent.text) }];
    case 'choice':
      return [{ type: 'choice', text: t(intent.text), options: intent.options.map((o) => ({ id: o.id, label: t(o.label) })) }];
    case 'link':
      return isSafeUrl(intent.url) ? [{ type: 'link', text: t(intent.text), url: intent.url }] : [{ type: 'text', text: t(intent.text) }];
    case 'document':
      return isSafeUrl(intent.url) ? [...caption(intent.caption), { type: 'document', name: intent.name, url: intent.url }] : caption(intent.caption);
    case 'image':
      return isSafeUrl(intent.url) ? [...caption(intent.caption), { type: 'image', url: intent.url }] : caption(intent.caption);
    case 'requestContact':
      // No contact button in a browser: the resident types the number.
      return [{ type: 'text', text: `${t(intent.text)}\n${chat('typePhone')}` }];
    case 'transfer': {
      const text = t(intent.text);
      return [{ type: 'text', text: text.includes(intent.to) ? text : `${text}\n${chat('callNumber', { phone: intent.to })}` }];
    }
    case 'sendLink':
      return isSafeUrl(intent.url) ? [{ type: 'link', text: chat('sendLink'), url: intent.url }] : [];
    case 'end':
      return [];
  }
}

/** Pure: intents of a reply or of a pending message as the page's reply objects, in the resident's language. */
export function renderWebchat(intents: readonly OutboundIntent[], locale: Locale): WebchatReply[] {
  return intents.flatMap((intent) => renderIntent(intent, locale));
}
