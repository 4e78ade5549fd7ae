// The bearer token the kube client sends: an Entra token for the AKS server application, kept
// until it is close to expiry and then fetched again. The decision reads an injected clock, so
// a test on virtual time sees a refresh exactly when the token would lapse.

import type { AccessToken, TokenCredential } from '@azure/identity';
import { azureFailure } from '../azure/errors';
import { TransientError } from './errors';

/** Refresh this long before expiry: a request that leaves now must still be valid on arrival. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export interface TokenTimes {
  expiresOnTimestamp: number;
  /** When the issuer suggests refreshing (MSAL's refresh_in), if it said. */
  refreshAfterTimestamp?: number;
}

/** Pure: does a token with these times need replacing at `now`? */
export function needsRefresh(token: TokenTimes | undefined, now: number, marginMs = DEFAULT_REFRESH_MARGIN_MS): boolean {
  if (!token) return true;
  if (token.refreshAfterTimestamp !== undefined && now >= token.refreshAfterTimestamp) return true;
  return now >= token.expiresOnTimestamp - marginMs;
}

export interface BearerTokenSource {
  /** A token valid for at least the margin from `now()`. */
  getToken(): Promise<string>;
  /** How many times a token was fetched from the credential (for logs and tests). */
  readonly fetches: number;
}

export function createEntraTokenSource(credential: TokenCredential, scope: string, now: () => number, marginMs = DEFAULT_REFRESH_MARGIN_MS): BearerTokenSource {
  let current: AccessToken | undefined;
  let inFlight: Promise<AccessToken> | undefined;
  let fetches = 0;

  const fetch = async (): Promise<AccessToken> => {
    let token: AccessToken | null;
    try {
      token = await credential.getToken(scope);
    } catch (err) {
      throw azureFailure(`getting an Entra token for ${scope}`, err);
    }
    if (!token) throw new TransientError(`getting an Entra token for ${scope}: the credential returned none`);
    fetches++;
    return token;
  };

  return {
    get fetches() {
      return fetches;
    },
    async getToken() {
      if (!needsRefresh(current, now(), marginMs)) return current!.token;
      // Concurrent requests share one refresh.
      inFlight ??= fetch().finally(() => { inFlight = undefined; });
      current = await inFlight;
      return current.token;
    },
  };
}
