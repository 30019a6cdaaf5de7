// What every resolver and service call gets: who is asking, their own entity manager and loaders.
import type { EntityManager, Orm } from '../db/orm';
import type { Logger } from '../logger';
import { unauthenticated } from '../errors';
import { Loaders } from './loaders';

export type Role = 'USER' | 'ADMIN';

/** The signed-in caller, as proven by a verified, unrevoked access token. */
export interface Principal {
  userId: string;
  role: Role;
  /** The access token's id (JWT `jti`). */
  tokenId: string;
  /** The sign-in this token belongs to: logging out ends it. */
  sessionId: string;
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
  /** This request's own entity manager, forked on first use. */
  readonly em: EntityManager;
  loaders: Loaders;
  ip: string;
  readonly log: Logger;
}

/** A class, so the lazy `em` getter lives on the prototype and survives Apollo's shallow copy of the context. */
class RequestContext implements Context {
  readonly loaders = new Loaders();
  private forked: EntityManager | null = null;
  private childLog: Logger | null = null;
  requestId: string;
  user: Principal | null;
  ip: string;

  constructor(
    private readonly orm: Orm,
    private readonly baseLog: Logger,
    fields: Omit<Context, 'loaders' | 'em' | 'log'>,
  ) {
    this.requestId = fields.requestId;
    this.user = fields.user;
    this.ip = fields.ip;
  }

  /** A logger that stamps every line with the request id (made on first use, like `em`). */
  get log(): Logger {
    return (this.childLog ??= this.baseLog.child({ requestId: this.requestId }));
  }

  // Operations that never touch the database (system queries, subscription events) skip the fork.
  get em(): EntityManager {
    return (this.forked ??= this.orm.em.fork());
  }
}

export function createContext(fields: Omit<Context, 'loaders' | 'em' | 'log'> & { orm: Orm; logger: Logger }): Context {
  const { orm, logger, ...rest } = fields;
  return new RequestContext(orm, logger, rest);
}

/** Reads `Bearer <token>` (the scheme is case-insensitive): null when absent, UNAUTHENTICATED when malformed. */
export function bearerToken(header: unknown): string | null {
  if (header === undefined || header === null || header === '') return null;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw unauthenticated('The authorization must be "Bearer <access token>".');
  return match[1];
}
