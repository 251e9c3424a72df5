import { makeWebchatSender, sessionHash, webchatRoutes, type WebchatReply } from '../../bots/webchat/index.ts';
import { makeChatPending, makeOrgLookup } from '../../core/conversations/index.ts';
import { systemClock } from '../../core/shared/index.ts';
import type { Driver, Seen } from '../support/transcript-runner.ts';
import type { World } from '../support/transcript-world.ts';
import type { Caps } from './script.ts';

export const WEBCHAT_CAPS: Caps = { buttons: true, contact: false, files: false, deepLink: true, vouchedPhone: false, inline: true, later: true, voice: false };

type Resident = { readonly externalUserId: string; readonly session: string; after: number; n: number; last?: Record<string, unknown> };

/**
 * The web chat as serve mounts it: `POST /chat/api/:slug/messages` answered by the engine, later messages (a
 * receipt) through `outbound.webchat` into chat_pending, read back with `GET …/messages?after=`.
 */
export async function webchatRig(w: World, slug: string): Promise<{ driver: Driver<Resident>; base: string }> {
  const pending = makeChatPending({ db: w.db, clock: systemClock });
  const base = await w.serve([webchatRoutes({
    dialogs: w.dialogs.engine, orgBySlug: makeOrgLookup(w.db).bySlug, pending, logger: w.logger, secure: false,
    // Every transcript comes from 127.0.0.1: the per-address limit is for the open internet, not for this file.
    limits: { perIp: { capacity: 10_000, perMs: 60_000 } },
  })]);
  w.sendWith('webchat', makeWebchatSender(pending));
  const api = `${base}/chat/api/${slug}/messages`;

  let next = 0;
  const driver: Driver<Resident> = {
    channel: 'webchat',
    caps: WEBCHAT_CAPS,
    resident() {
      const session = `transcript-session-${String(++next).padStart(4, '0')}-${'z'.repeat(12)}`;
      // The engine knows the browser by a hash of the session (bots/webchat/webchat-input.ts).
      return { externalUserId: sessionHash(w.orgId, session), session, after: 0, n: 0 };
    },
    async act(r, act) {
      const said = act.kind === 'choose' ? { choice: act.id }
        : act.kind === 'start' ? { text: act.arg ? `/start ${act.arg}` : '/start' }
          : act.kind === 'text' ? { text: act.text }
            : null;
      // The page sends a message again with the same id when the answer was lost.
      const body = act.kind === 'repeat' ? r.last : said ? { session: r.session, id: `m${++r.n}`, ...said } : null;
      if (!body) throw new Error(`the web chat cannot send a ${act.kind}`);
      r.last = body;
      const res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = await res.json() as { replies: WebchatReply[]; expect: string };
      if (res.status !== 200) throw new Error(`web chat answered ${res.status}: ${JSON.stringify(answer)}`);
      await w.settle();
      return seenOf(answer.replies, answer);
    },
    async collect(r) {
      const res = await fetch(`${api}?after=${r.after}`, { headers: { 'x-chat-session': r.session } });
      const answer = await res.json() as { messages: { seq: number; replies: WebchatReply[] }[] };
      if (res.status !== 200) throw new Error(`web chat poll answered ${res.status}`);
      r.after = answer.messages.at(-1)?.seq ?? r.after;
      return seenOf(answer.messages.flatMap((m) => m.replies), answer);
    },
  };
  return { driver, base };
}

function seenOf(replies: readonly WebchatReply[], raw: unknown): Seen {
  const texts: string[] = [];
  let options: { id: string; label: string }[] = [];
  const links: { url: string; label: null }[] = [];
  let documents = 0;
  for (const reply of replies) {
    switch (reply.type) {
      case 'text': texts.push(reply.text); break;
      case 'choice': texts.push(reply.text); options = reply.options.map((o) => ({ id: o.id, label: o.label })); break;
      case 'link': texts.push(reply.text); links.push({ url: reply.url, label: null }); break;
      case 'document': documents += 1; break;
      case 'image': break;
    }
  }
  return { texts, options, links, contactButton: false, documents, raw };
}
