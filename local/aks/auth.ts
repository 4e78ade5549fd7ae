// Bearer tokens the simulator mints and checks: opaque to clients, signed with a per-run secret,
// each for one audience (ARM or the AKS server app) and valid until a time on the simulator's
// clock, so token expiry and refresh can be tested in virtual time.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Clock } from '../clock';

export type Audience = 'arm' | 'aks';

export const ARM_SCOPE = 'https://management.azure.com/.default';
/** The AKS Entra server application (the kube API's audience on Entra-enabled clusters). */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
export const AKS_SCOPE = `${AKS_SERVER_APP_ID}/.default`;

/** Shape of `@azure/core-auth`'s AccessToken and TokenCredential, so SDK clients accept ours. */
export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
  tokenType?: 'Bearer';
}
export interface SimTokenCredential {
  getToken(scopes: string | string[]): Promise<AccessToken>;
}

export interface TokenClaims {
  audience: Audience;
  /** Who the token stands for, e.g. `product`; becomes the request's `client`. */
  subject: string;
  expiresOnTimestamp: number;
  /** Entra object id (`oid`): the user name Kubernetes RBAC sees (AKS maps Entra principals by it). */
  oid?: string;
  /** Entra group object ids (`groups`): an AKS admin group makes the caller cluster-admin. */
  groups?: string[];
}

/** Who a token or a client certificate stands for, beyond its subject. */
export interface TokenIdentity {
  oid?: string;
  groups?: string[];
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad-signature' | 'wrong-audience' | 'expired'; claims?: TokenClaims };

const PREFIX = 'simtok.';
const DEFAULT_LIFETIME_MS = 60 * 60 * 1000;

/** Maps an Entra scope (with or without `/.default`) to the audience it asks for. */
export function audienceOfScope(scope: string): Audience {
  const resource = scope.replace(/\/\.default$/, '').replace(/\/$/, '');
  if (resource === 'https://management.azure.com' || resource === 'https://management.core.windows.net') return 'arm';
  if (resource === AKS_SERVER_APP_ID) return 'aks';
  throw new Error(`simulator credential: unknown scope "${scope}"; accepted: "${ARM_SCOPE}" or "${AKS_SCOPE}"`);
}

export class TokenAuthority {
  private readonly secret: Buffer;

  constructor(private readonly clock: Clock, secret: Buffer = randomBytes(32)) {
    this.secret = secret;
  }

  mint(audience: Audience, subject: string, lifetimeMs = DEFAULT_LIFETIME_MS, identity: TokenIdentity = {}): AccessToken {
    const claims: TokenClaims = { audience, subject, expiresOnTimestamp: this.clock.now() + lifetimeMs, ...identity };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${PREFIX}${payload}.${this.sign(payload)}`, expiresOnTimestamp: claims.expiresOnTimestamp, tokenType: 'Bearer' };
  }

  verify(token: string | undefined, audience: Audience): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    if (!token.startsWith(PREFIX)) return { ok: false, reason: 'malformed' };
    const [payload, signature, ...rest] = token.slice(PREFIX.length).split('.');
    if (!payload || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
    const claims = parseClaims(payload);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (claims.audience !== audience) return { ok: false, reason: 'wrong-audience', claims };
    if (claims.expiresOnTimestamp <= this.clock.now()) return { ok: false, reason: 'expired', claims };
    return { ok: true, claims };
  }

  /** A TokenCredential for tests and tools: mints a fresh token per call, for the scope asked. */
  credential(subject = 'product', lifetimeMs = DEFAULT_LIFETIME_MS, identity: TokenIdentity = {}): SimTokenCredential {
    return {
      getToken: async (scopes) => {
        const list = typeof scopes === 'string' ? [scopes] : scopes;
        const first = list[0];
        if (first === undefined) throw new Error('simulator credential: getToken needs a scope');
        return this.mint(audienceOfScope(first), subject, lifetimeMs, identity);
      },
    };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

function parseClaims(payload: string): TokenClaims | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { audience, subject, expiresOnTimestamp, oid, groups } = value as Record<string, unknown>;
    if ((audience !== 'arm' && audience !== 'aks') || typeof subject !== 'string' || typeof expiresOnTimestamp !== 'number') return undefined;
    if (oid !== undefined && typeof oid !== 'string') return undefined;
    if (groups !== undefined && !(Array.isArray(groups) && groups.every((g) => typeof g === 'string'))) return undefined;
    return { audience, subject, expiresOnTimestamp, ...(oid !== undefined && { oid }), ...(groups !== undefined && { groups: groups as string[] }) };
  } catch {
    return undefined;
  }
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

const WHY: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: "Authentication failed. The 'Authorization' header is missing.",
  malformed: 'The access token is invalid.',
  'bad-signature': 'The access token is invalid.',
  'wrong-audience': "The access token has been obtained for wrong audience or resource.",
  expired: 'The access token has expired.',
};

/** ARM's 401: an error body whose code says what was wrong, and a Bearer challenge. */
export function armUnauthorized(check: Exclude<TokenCheck, { ok: true }>, now: number): { status: number; headers: Record<string, string>; body: unknown } {
  const code = check.reason === 'missing' ? 'AuthenticationFailed' : check.reason === 'expired' ? 'ExpiredAuthenticationToken' : 'InvalidAuthenticationToken';
  const message = check.reason === 'expired' && check.claims
    ? `The access token expiry UTC time '${new Date(check.claims.expiresOnTimestamp).toISOString()}' is earlier than current UTC time '${new Date(now).toISOString()}'.`
    : WHY[check.reason];
  return {
    status: 401,
    headers: { 'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${message.replace(/"/g, "'")}"` },
    body: { error: { code, message } },
  };
}

/** The kube-apiserver's 401: a Status that says only "Unauthorized", whatever the reason. */
export function kubeUnauthorized(): { status: number; body: unknown } {
  return { status: 401, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 } };
}
