import { describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { createEntraTokenSource, needsRefresh } from './entraToken';

const MIN = 60_000;

describe('needsRefresh', () => {
  it.each([
    ['no token yet', undefined, 0, true],
    ['fresh', { expiresOnTimestamp: 60 * MIN }, 0, false],
    ['just outside the margin', { expiresOnTimestamp: 60 * MIN }, 55 * MIN - 1, false],
    ['inside the margin', { expiresOnTimestamp: 60 * MIN }, 55 * MIN, true],
    ['expired', { expiresOnTimestamp: 60 * MIN }, 61 * MIN, true],
    ['issuer says refresh now', { expiresOnTimestamp: 60 * MIN, refreshAfterTimestamp: 30 * MIN }, 30 * MIN, true],
    ['issuer says refresh later', { expiresOnTimestamp: 60 * MIN, refreshAfterTimestamp: 30 * MIN }, 29 * MIN, false],
  ])('%s', (_name, token, now, expected) => {
    expect(needsRefresh(token, now, 5 * MIN)).toBe(expected);
  });
});

describe('createEntraTokenSource', () => {
  /** A credential of our own (the @azure/identity interface): tokens valid one hour from `clock.now`. */
  function hourlyCredential(clock: { now: number }): TokenCredential & { scopes: string[] } {
    const scopes: string[] = [];
    return {
      scopes,
      getToken: (scope): Promise<AccessToken> => {
        scopes.push(String(scope));
        return Promise.resolve({ token: `t${scopes.length}`, expiresOnTimestamp: clock.now + 60 * MIN });
      },
    };
  }

  it('reuses a token until the margin, then fetches one, once for concurrent callers', async () => {
    const clock = { now: 0 };
    const credential = hourlyCredential(clock);
    const source = createEntraTokenSource(credential, 'aks/.default', () => clock.now, 5 * MIN);
    expect(await Promise.all([source.getToken(), source.getToken(), source.getToken()])).toEqual(['t1', 't1', 't1']);
    clock.now = 54 * MIN;
    expect(await source.getToken()).toBe('t1');
    clock.now = 56 * MIN;
    expect(await Promise.all([source.getToken(), source.getToken()])).toEqual(['t2', 't2']);
    expect(source.fetches).toBe(2);
    expect(credential.scopes).toEqual(['aks/.default', 'aks/.default']);
  });
});
