import { describe, expect, it } from 'vitest';
import { passwordCheckFrom } from '../../../lib/interaction/password-check.js';

describe('built-in password check (S55)', () => {
  it('S55 the static user list answers an unknown user and a wrong password alike, in similar time', async () => {
    const check = passwordCheckFrom({ alice: { password: 'a-long-and-correct-password' } });
    expect(await check('alice', 'a-long-and-correct-password')).toEqual({ subject: 'alice', name: 'alice' });
    expect(await check('alice', 'wrong')).toBeUndefined();
    expect(await check('mallory', 'wrong')).toBeUndefined();
    const spent = { alice: 0, mallory: 0 };
    const once = async (username: 'alice' | 'mallory') => {
      const started = process.hrtime.bigint();
      await check(username, 'wrong-password-guess');
      spent[username] += Number(process.hrtime.bigint() - started);
    };
    for (let i = 0; i < 20_000; i++) {
      if (i % 2) {
        await once('alice');
        await once('mallory');
      } else {
        await once('mallory');
        await once('alice');
      }
    }
    const ratio = spent.alice / spent.mallory;
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });
});
