// Sign-in sessions: access tokens checked on every request, refresh tokens rotated once per use,
// and revocation that every instance sees at once through the shared kv.
import { LockMode } from '@mikro-orm/core';
import { unauthenticated } from '../../platform/errors';
import type { EntityManager } from '../../platform/db/orm';
import { newId } from '../../platform/db/ids';
import type { Kv } from '../../platform/kv';
import type { Authenticator, Principal } from '../../platform/graphql/context';
import { RefreshToken } from './session.entity';
import { User } from './user.entity';
import { AccessTokens, hashToken, opaqueToken } from './tokens';
import { userKey, type UserDirectory } from './user-directory';

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  user: User;
}

/** Published when a user's sessions all end, so every instance closes that user's sockets. */
export const SESSIONS_REVOKED_TOPIC = 'accounts:sessions-revoked';
export interface SessionsRevoked {
  userId: string;
  /** Only these sessions ended; absent when all of them did. */
  sessionIds?: string[];
  reason: string;
}

const sessionKey = (sessionId: string) => `auth:session:${sessionId}:revoked`;

export class SessionService implements Authenticator {
  constructor(
    private readonly directory: UserDirectory,
    private readonly kv: Kv,
    private readonly tokens: AccessTokens,
    private readonly refreshTtlSeconds: number,
  ) {}

  /** A new sign-in: a new refresh token family and its first access token. */
  async start(em: EntityManager, user: User): Promise<Session> {
    return this.issue(em, user, newId());
  }

  /** Rotates a refresh token: the old one dies; presenting it again ends the whole sign-in. */
  async refresh(em: EntityManager, presented: string): Promise<Session> {
    const invalid = () => unauthenticated('The refresh token is invalid or has expired; sign in again.');
    const hash = hashToken(presented);
    const result = await em.transactional(async (tx) => {
      const token = await tx.findOne(RefreshToken, { tokenHash: hash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!token) return { error: invalid() };
      if (token.usedAt || token.revokedAt) {
        // Reuse of a rotated token means it leaked: end the sign-in it belongs to.
        await this.revokeFamilies(tx, token.userId, [token.familyId]);
        return { error: invalid(), revoked: { userId: token.userId, sessionIds: [token.familyId] } };
      }
      if (token.expiresAt.getTime() <= Date.now()) return { error: invalid() };
      const user = await tx.findOne(User, { id: token.userId });
      if (!user || !user.isActive) return { error: invalid() };
      token.usedAt = new Date();
      return { session: await this.issue(tx, user, token.familyId) };
    });
    if (result.revoked) await this.announce({ ...result.revoked, reason: 'A refresh token was used twice; sign in again.' });
    if (result.error) throw result.error;
    return result.session;
  }

  /** Ends one sign-in: its access tokens at once, its refresh token family for good. */
  async end(em: EntityManager, principal: Principal): Promise<void> {
    await this.revokeFamilies(em, principal.userId, [principal.sessionId]);
    await this.announce({ userId: principal.userId, sessionIds: [principal.sessionId], reason: 'You signed out.' });
  }

  /** Ends every sign-in of the user but one (after a password change). */
  async endOthers(em: EntityManager, userId: string, keepSessionId: string): Promise<void> {
    const active = await em.find(RefreshToken, { userId, revokedAt: null, familyId: { $ne: keepSessionId } }, { fields: ['familyId'] });
    const families = [...new Set(active.map((t) => t.familyId))];
    if (!families.length) return;
    await this.revokeFamilies(em, userId, families);
    await this.announce({ userId, sessionIds: families, reason: 'Your password was changed.' });
  }

  /**
   * Ends every sign-in of the user (deactivation, role change, password reset): the user's token
   * version was raised in `em`'s transaction by the caller; call this once it is committed.
   */
  async endAll(em: EntityManager, user: User, reason: string): Promise<void> {
    await em.nativeUpdate(RefreshToken, { userId: user.id, revokedAt: null }, { revokedAt: new Date() });
    await this.directory.put(user);
    await this.announce({ userId: user.id, reason });
  }

  /** The user is gone: no token of theirs is valid any more. */
  async forget(userId: string): Promise<void> {
    await this.directory.forget(userId);
    await this.announce({ userId, reason: 'The account was deleted.' });
  }

  /** One cache read on the hot path: the session's revocation mark and the user's record together. */
  async authenticate(token: string): Promise<Principal> {
    const claims = this.tokens.verify(token);
    if (!claims) throw unauthenticated('The access token is invalid or has expired; refresh it or sign in again.');
    const [sessionRevoked, cachedUser] = await this.kv.store.getMany([sessionKey(claims.sid), userKey(claims.sub)]);
    if (sessionRevoked) throw unauthenticated('This session has ended; sign in again.');
    let user = await this.directory.resolve(claims.sub, cachedUser);
    // Tokens are signed from the database, so one newer than the cache means the cache missed a change
    // (made by another process on the in-memory kv, e.g. `npm run create-admin`).
    if (user && user.tokenVersion < claims.ver) user = await this.directory.reload(claims.sub);
    if (!user || !user.isActive || user.tokenVersion !== claims.ver) throw unauthenticated('This session has ended; sign in again.');
    return { userId: claims.sub, role: claims.role, tokenId: claims.jti, sessionId: claims.sid, expiresAt: claims.exp };
  }

  private async issue(em: EntityManager, user: User, familyId: string): Promise<Session> {
    const refresh = opaqueToken();
    em.create(RefreshToken, {
      userId: user.id,
      familyId,
      tokenHash: refresh.hash,
      expiresAt: new Date(Date.now() + this.refreshTtlSeconds * 1000),
    });
    await em.flush();
    const access = this.tokens.sign({ userId: user.id, role: user.role, sessionId: familyId, version: user.tokenVersion });
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken: refresh.token, user };
  }

  private async revokeFamilies(em: EntityManager, userId: string, familyIds: string[]): Promise<void> {
    await em.nativeUpdate(RefreshToken, { userId, familyId: { $in: familyIds }, revokedAt: null }, { revokedAt: new Date() });
    // Access tokens of these sessions live at most their TTL; the mark must outlive them.
    await Promise.all(familyIds.map((id) => this.kv.store.set(sessionKey(id), '1', this.tokens.ttlSeconds + 60)));
  }

  private announce(event: SessionsRevoked): Promise<void> {
    return this.kv.pubSub.publish(SESSIONS_REVOKED_TOPIC, event);
  }
}
