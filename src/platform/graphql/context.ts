// What every resolver and service call gets: who is asking, their own entity manager and loaders.
import type { EntityManager } from '../db/orm';
import type { Logger } from '../logger';
import { unauthenticated } from '../errors';
import { Loaders } from './loaders';

export type Role = 'USER' | 'ADMIN';

/** The signed-in caller, as proven by a verified, unrevoked access token. */
export interface Principal {
  userId: string;
  role: Role;
  /** The access token's id (JWT `jti`), for revoking this session. */
  tokenId: string;
  /** When the access token expires (epoch seconds). */
  expiresAt: number;
}

/** Turns a bearer token into a principal; throws UNAUTHENTICATED for a bad, expired or revoked one. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal>;
}

export interface Context {
  requestId: string;
  user: Principal | null;
  em: EntityManager;
  loaders: Loaders;
  ip: string;
  log: Logger;
}

export function createContext(fields: Omit<Context, 'loaders'>): Context {
  return { ...fields, loaders: new Loaders() };
}

/** Reads `Bearer <token>` (the scheme is case-insensitive): null when absent, UNAUTHENTICATED when malformed. */
export function bearerToken(header: unknown): string | null {
  if (header === undefined || header === null || header === '') return null;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw unauthenticated('The authorization must be "Bearer <access token>".');
  return match[1];
}
