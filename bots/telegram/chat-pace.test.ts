import { describe, expect, it } from 'vitest';
import { makeChatPace } from './chat-pace.ts';

/** A clock the test moves by hand; sleeping records the wait and returns at once. */
function fakeTime() {
  const time = { now: 0, slept: [] as number[] };
  return { time, pace: makeChatPace({ now: () => time.now, sleep: async (ms) => { time.slept.push(ms); } }) };
}

describe('chat pace', () => {
  it('lets the first call to a chat go at once and holds the next one for the rest of the second', async () => {
    const { time, pace } = fakeTime();
    await pace.wait('A');
    time.now = 300;
    await pace.wait('A');
    expect(time.slept).toEqual([700]);
  });

  it('spreads calls that arrive together a second apart, in arrival order', async () => {
    const { time, pace } = fakeTime();
    await Promise.all([pace.wait('A'), pace.wait('A'), pace.wait('A')]);
    expect(time.slept).toEqual([1000, 2000]);
  });

  it('never holds one chat for another', async () => {
    const { time, pace } = fakeTime();
    await Promise.all([pace.wait('A'), pace.wait('A'), pace.wait('B'), pace.wait('C')]);
    expect(time.slept).toEqual([1000]);
  });

  it('does not wait once a second has passed since the last call', async () => {
    const { time, pace } = fakeTime();
    await pace.wait('A');
    time.now = 1000;
    await pace.wait('A');
    time.now = 5000;
    await pace.wait('A');
    expect(time.slept).toEqual([]);
  });

  it('forgets idle chats past its size bound but keeps a busy chat waiting', async () => {
    const time = { now: 0, slept: [] as number[] };
    const pace = makeChatPace({ now: () => time.now, sleep: async (ms) => { time.slept.push(ms); }, maxChats: 2 });
    await pace.wait('old1');
    await pace.wait('old2');
    time.now = 2000;
    await pace.wait('busy');
    await pace.wait('new');
    await pace.wait('busy');
    expect(time.slept).toEqual([1000]);
  });
});
