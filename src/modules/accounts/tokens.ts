// Access tokens (JWT HS256, short-lived, pinned algorithm) and opaque refresh/reset tokens (random,
// stored only as a sha256 hash).
import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from './user.entity';

export interface AccessClaims {
  sub: string;
  role: Role;
  jti: string;
  /** The sign-in (refresh token family) this token belongs to. */
  sid: string;
  /** The user's token version when issued; raising it ends every session. */
  ver: number;
  iat: number;
  exp: number;
}

const VERIFIED_CACHE_SIZE = 10_000;

export class AccessTokens {
  /** A KeyObject made once: given a string, jsonwebtoken builds one on every call (a tenth of a request). */
  private readonly key: KeyObject;
  /** Tokens already verified, most recent last: a client sends the same token many times. Expiry is still checked on every use. */
  private readonly verified = new Map<string, AccessClaims>();

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(claims: { userId: string; role: Role; sessionId: string; version: number }): { token: string; expiresAt: Date } {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const payload = { sub: claims.userId, role: claims.role, jti: randomUUID(), sid: claims.sessionId, ver: claims.version, iat: now, exp };
    return { token: jwt.sign(payload, this.key, { algorithm: 'HS256' }), expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a valid token; null for anything else (bad signature, other algorithm, expired, malformed). */
  verify(token: string): AccessClaims | null {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp * 1000 <= Date.now()) {
        this.verified.delete(token);
        return null;
      }
      return known;
    }
    const claims = this.verifySignature(token);
    if (claims) {
      this.verified.set(token, claims);
      if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    }
    return claims;
  }

  private verifySignature(token: string): AccessClaims | null {
    try {
      const claims = jwt.verify(token, this.key, { algorithms: ['HS256'] });
      if (typeof claims !== 'object' || claims === null) return null;
      const { sub, role, jti, sid, ver, iat, exp } = claims as Partial<AccessClaims>;
      if (typeof sub !== 'string' || (role !== 'USER' && role !== 'ADMIN') || typeof jti !== 'string' || typeof sid !== 'string' || typeof ver !== 'number' || typeof exp !== 'number' || typeof iat !== 'number') {
        return null;
      }
      return { sub, role: role as Role, jti, sid, ver, iat, exp };
    } catch {
      return null;
    }
  }
}

/** A new opaque token and the hash under which it is stored. */
export function opaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
