// The bot's memory of commands waiting for their variables form: one use, for the member and
// server that opened it, for as long as it lasts, and never more of them than the cap.
import { describe, expect, it } from 'vitest';
import { PendingForms, type VarsForm } from '../../src/bot/pending-forms.js';

const form = (to: string): VarsForm => ({ command: 'reserve', options: { template: 'launch', to, when: 'in 2 days', description: 'd' }, variables: ['name'] });
const alice = { userId: 'alice', guildId: 'g1' };

describe('PendingForms', () => {
  it('gives a form back once, to its owner in its server only', () => {
    const forms = new PendingForms({ ttlMs: 1_000, max: 10, clock: () => 0 });
    const key = forms.put(alice, form('a@example.com'));
    expect(key).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(forms.take(key, { userId: 'bob', guildId: 'g1' })).toEqual({ kind: 'not-yours' });
    expect(forms.take(key, { userId: 'alice', guildId: 'g2' })).toEqual({ kind: 'not-yours' });
    expect(forms.take(key, alice)).toEqual({ kind: 'ok', form: form('a@example.com') });
    expect(forms.take(key, alice)).toEqual({ kind: 'expired' });
    expect(forms.take('made-up', alice)).toEqual({ kind: 'expired' });
  });

  it('forgets a form once it has lasted its time', () => {
    let now = 0;
    const forms = new PendingForms({ ttlMs: 1_000, max: 10, clock: () => now });
    const key = forms.put(alice, form('a@example.com'));
    now = 999;
    const kept = forms.put(alice, form('b@example.com'));
    now = 1_000;
    expect(forms.take(key, alice)).toEqual({ kind: 'expired' });
    expect(forms.take(kept, alice).kind).toBe('ok');
    // Old ones go when new ones come, without anyone asking for them.
    forms.put(alice, form('c@example.com'));
    now = 5_000;
    forms.put(alice, form('d@example.com'));
    expect(forms.size).toBe(1);
  });

  it('keeps at most `max`, dropping the oldest', () => {
    const forms = new PendingForms({ ttlMs: 60_000, max: 3, clock: () => 0 });
    const keys = ['1', '2', '3', '4'].map((n) => forms.put(alice, form(`${n}@example.com`)));
    expect(forms.size).toBe(3);
    expect(forms.take(keys[0]!, alice)).toEqual({ kind: 'expired' });
    expect(keys.slice(1).map((k) => forms.take(k, alice).kind)).toEqual(['ok', 'ok', 'ok']);
  });
});
