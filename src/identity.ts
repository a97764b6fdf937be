import { GraphQLError } from 'graphql';
import {
  createRemoteJWKSet,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Caller } from './schema/index.js';

/** How `jwtIdentity` verifies bearer tokens. Give `secret` (HS256) or `jwksUrl` (RS256/ES256, e.g. Cognito). */
export interface JwtIdentityOptions {
  /** A shared secret (HS256). */
  readonly secret?: string;
  /** The issuer's JSON Web Key Set, e.g. `https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`. */
  readonly jwksUrl?: string;
  /** Required `iss`. */
  readonly issuer?: string;
  /** Required `aud`. */
  readonly audience?: string;
  /** The claim holding the caller's groups. @default 'groups' (Cognito: 'cognito:groups') */
  readonly groupsClaim?: string;
}

/** Who a request is from; null for an anonymous one. Throw to refuse the request. */
export type Identify = (request: Request) => Caller | null | Promise<Caller | null>;

const unauthenticated = (message: string) =>
  new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

/**
 * The caller of a request from its `Authorization: Bearer <JWT>` header, verified (signature,
 * expiry, issuer, audience): its claims, with `groups` from `groupsClaim`. No header: anonymous
 * (null). A header that does not verify is refused with 401 UNAUTHENTICATED, never treated as
 * anonymous.
 */
export function jwtIdentity(options: JwtIdentityOptions): Identify {
  if (!options.secret === !options.jwksUrl)
    throw new Error('jwtIdentity needs exactly one of secret (HS256) or jwksUrl');
  const key = options.secret
    ? hmacKeys(new TextEncoder().encode(options.secret))
    : createRemoteJWKSet(new URL(options.jwksUrl!));
  const groupsClaim = options.groupsClaim ?? 'groups';
  return async (request) => {
    const header = request.headers.get('authorization');
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, key as ReturnType<typeof hmacKeys>, {
        issuer: options.issuer,
        audience: options.audience,
      }));
    } catch (error) {
      throw unauthenticated(`The bearer token does not verify: ${(error as Error).message}`);
    }
    const groups = payload[groupsClaim];
    return { ...payload, groups: Array.isArray(groups) ? groups.map(String) : [] } as Caller;
  };
}

const HMAC_HASHES: Readonly<Record<string, string>> = {
  HS256: 'SHA-256',
  HS384: 'SHA-384',
  HS512: 'SHA-512',
};

/**
 * The secret as a key getter: one imported HMAC key per algorithm, kept (jose imports a raw secret
 * again on every verification, a WebCrypto importKey per request). Other algorithms get the raw
 * secret, which jose refuses as it always did.
 */
function hmacKeys(secret: Uint8Array<ArrayBuffer>) {
  const keys = new Map<string, Promise<CryptoKey>>();
  return (header: JWSHeaderParameters): Promise<CryptoKey> | Uint8Array<ArrayBuffer> => {
    const hash = HMAC_HASHES[header.alg ?? ''];
    if (!hash) return secret;
    let key = keys.get(hash);
    if (!key) {
      key = crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash }, false, ['verify']);
      keys.set(hash, key);
    }
    return key;
  };
}

/** A token for development and tests, signed with a shared secret (HS256), valid for `expiresIn`. */
export function signToken(
  secret: string,
  claims: Record<string, unknown>,
  expiresIn: string | number = '30d',
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
