import { describe, expect, it } from 'vitest';
import { seal, unseal } from './seal.ts';

describe('seal', () => {
  const key = 'k'.repeat(40);
  it('opens what it sealed, and only under the same key and purpose', () => {
    const box = seal(key, 'bot-token', '123456:ABC-секрет');
    expect(box).not.toContain('ABC');
    expect(unseal(key, 'bot-token', box)).toBe('123456:ABC-секрет');
    expect(unseal('x'.repeat(40), 'bot-token', box)).toBeNull();
    expect(unseal(key, 'webhook-secret', box)).toBeNull();
  });

  it('refuses an altered box', () => {
    const box = seal(key, 'p', 'value');
    const parts = box.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(unseal(key, 'p', [parts[0], parts[1], parts[2], body.toString('base64url')].join('.'))).toBeNull();
    expect(unseal(key, 'p', 'garbage')).toBeNull();
  });
});
