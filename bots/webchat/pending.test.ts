import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../dialogs/channel.port.ts';
import { memoryPendingStore, PENDING_PAGE } from './pending.ts';

const message = (key: string, chatId = 'c1'): OutboundMessage => ({
  channel: 'webchat', orgId: 'o1', connectionId: null, chatId, locale: 'ru', key, intents: [], expect: { kind: 'none' },
});

describe('memoryPendingStore', () => {
  it('keeps one copy per message key and answers in seq order after the given seq', async () => {
    const store = memoryPendingStore();
    await store.add('o1', 'c1', message('a'));
    await store.add('o1', 'c1', message('a'));
    await store.add('o1', 'c2', message('x', 'c2'));
    await store.add('o1', 'c1', message('b'));
    const all = await store.since('o1', 'c1', 0);
    expect(all.map((m) => m.message.key)).toEqual(['a', 'b']);
    expect(await store.since('o1', 'c1', all[0]!.seq)).toEqual([all[1]]);
    expect(await store.since('o2', 'c1', 0)).toEqual([]);
  });

  it('answers a page at a time and forgets the oldest past its size', async () => {
    const store = memoryPendingStore({ keep: PENDING_PAGE + 10 });
    for (let i = 0; i < PENDING_PAGE + 20; i++) await store.add('o1', 'c1', message(`m${i}`));
    const page = await store.since('o1', 'c1', 0);
    expect(page).toHaveLength(PENDING_PAGE);
    expect(page[0]!.message.key).toBe('m10');
    const rest = await store.since('o1', 'c1', page.at(-1)!.seq);
    expect(rest.map((m) => m.message.key).at(-1)).toBe(`m${PENDING_PAGE + 19}`);
  });
});
