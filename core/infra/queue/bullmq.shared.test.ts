import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fromBullmqId, toBullmqId, toBullmqSchedulerId } from './bullmq.shared.ts';

// Names BullMQ 6 gives its own per-queue keys (classes/queue-keys.js); a job id equal to one would overwrite it.
const internalKeys = ['', 'active', 'wait', 'waiting-children', 'paused', 'id', 'delayed', 'prioritized', 'stalled-check',
  'completed', 'failed', 'stalled', 'repeat', 'limiter', 'meta', 'events', 'pc', 'marker', 'de'];

describe('BullMQ job id mapping', () => {
  test.prop([fc.string({ unit: 'grapheme' })])('maps any id back to itself', (id) => {
    expect(fromBullmqId(toBullmqId(id))).toBe(id);
    expect(fromBullmqId(toBullmqSchedulerId(id))).toBe(id);
  });

  test.prop([fc.oneof(fc.string(), fc.constantFrom(...internalKeys), fc.integer().map(String))])(
    'never yields an id BullMQ rejects or one that names an internal key',
    (id) => {
      const mapped = toBullmqId(id);
      expect(mapped).not.toContain(':');
      expect(`${parseInt(mapped, 10)}`).not.toBe(mapped);
      expect(internalKeys).not.toContain(mapped);
    },
  );

  test.prop([fc.string(), fc.string()])('keeps distinct ids distinct', (a, b) => {
    fc.pre(a !== b);
    expect(toBullmqId(a)).not.toBe(toBullmqId(b));
  });
});
