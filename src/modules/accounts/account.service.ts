// The rules of accounts: sign-up, sign-in, profile, passwords and deletion. Every operation takes
// the request's entity manager; sessions are the SessionService's.
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { badInput, conflict, notFound, unauthenticated } from '../../platform/errors';
import type { EntityManager } from '../../platform/db/orm';
import { consume, type Kv } from '../../platform/kv';
import type { Logger } from '../../platform/logger';
import type { Principal } from '../../platform/graphql/context';
import type { ChangePasswordInput, LoginInput, RegisterInput, ResetPasswordInput, UpdateMeInput } from './account.inputs';
import type { Mailer } from './mailer';
import { Passwords } from './passwords';
import { PasswordReset, RefreshToken } from './session.entity';
import type { Session, SessionService } from './session.service';
import type { UserDirectory, UserRecord } from './user-directory';
import { hashToken, opaqueToken } from './tokens';
import { Role, User } from './user.entity';

/** Deletes what a module keeps for a user; runs inside deleteMe's transaction. */
export type UserDataOwner = (em: EntityManager, userId: string) => Promise<void>;

export interface AccountLimits {
  ipAttemptsPerMinute: number;
  loginFailuresPerAccount: number;
  passwordResetTtlSeconds: number;
}

const WRONG_CREDENTIALS = 'The username or password is not correct.';
export const LAST_ADMIN = 'This is the last active admin: make another user an admin first.';

export const usernameKey = (username: string) => username.trim().toLowerCase();
export const emailKey = (email: string) => email.trim().toLowerCase();

export class AccountService {
  private readonly owners: UserDataOwner[] = [];
  private readonly ipLimiter: RateLimiterAbstract;
  private readonly loginFailures: RateLimiterAbstract;
  private readonly nameAttempts: RateLimiterAbstract;

  constructor(
    kv: Kv,
    private readonly directory: UserDirectory,
    private readonly sessions: SessionService,
    private readonly passwords: Passwords,
    private readonly mailer: Mailer,
    private readonly limits: AccountLimits,
    private readonly resetLink: (token: string) => string,
    private readonly logger: Logger,
    private readonly production: boolean,
  ) {
    this.ipLimiter = kv.rateLimiter({ name: 'auth-ip', points: limits.ipAttemptsPerMinute, durationSeconds: 60 });
    this.loginFailures = kv.rateLimiter({ name: 'login-failures', points: limits.loginFailuresPerAccount, durationSeconds: 900, blockSeconds: 900 });
    this.nameAttempts = kv.rateLimiter({ name: 'auth-name', points: 5, durationSeconds: 900 });
  }

  /** Lets a module delete its records of a user when the user deletes the account. */
  ownsUserData(owner: UserDataOwner): void {
    this.owners.push(owner);
  }

  async register(em: EntityManager, input: RegisterInput, ip: string): Promise<Session> {
    await consume(this.ipLimiter, `register:${ip}`);
    await consume(this.nameAttempts, `register:${usernameKey(input.username)}`);
    const user = await this.createUser(em, input, Role.USER);
    try {
      await em.flush();
    } catch (error) {
      // Two sign-ups raced for the same name: the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw conflict('That username or email address is already taken.');
      throw error;
    }
    return this.sessions.start(em, user);
  }

  async login(em: EntityManager, input: LoginInput, ip: string): Promise<Session> {
    await consume(this.ipLimiter, `login:${ip}`);
    const name = usernameKey(input.username);
    const user = await em.findOne(User, name.includes('@') ? { emailKey: name } : { usernameKey: name });
    // Counted per account (by username and by email alike), and before the password is checked, so that
    // simultaneous guesses cannot all pass the count; a right password clears it.
    const attempts = user ? `user:${user.id}` : `name:${name}`;
    await consume(this.loginFailures, attempts);
    if (!(await this.passwords.verify(user?.passwordHash ?? null, input.password)) || !user) throw unauthenticated(WRONG_CREDENTIALS);
    if (!user.isActive) throw unauthenticated('This account has been deactivated.');
    await this.loginFailures.delete(attempts);
    return this.sessions.start(em, user);
  }

  /** The signed-in user's record, from the cache the session check has just read. */
  async me(principal: Principal | null): Promise<UserRecord | null> {
    return principal ? this.directory.get(principal.userId) : null;
  }

  async updateMe(em: EntityManager, principal: Principal, input: UpdateMeInput): Promise<User> {
    const user = await this.requireUser(em, principal.userId);
    const username = input.username?.trim();
    const email = input.email === undefined || input.email === null ? undefined : input.email.trim() || null;
    await this.assertAvailable(em, username, email ?? null, user.id);
    if (username) {
      user.username = username;
      user.usernameKey = usernameKey(username);
    }
    if (email !== undefined) {
      user.email = email;
      user.emailKey = email && emailKey(email);
    }
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw conflict('That username or email address is already taken.');
      throw error;
    }
    await this.directory.put(user);
    return user;
  }

  async changePassword(em: EntityManager, principal: Principal, input: ChangePasswordInput): Promise<void> {
    const user = await this.requireUser(em, principal.userId);
    await this.confirmPassword(user, input.currentPassword, 'currentPassword');
    user.passwordHash = await this.passwords.hash(input.newPassword);
    await em.flush();
    await this.directory.put(user);
    await this.sessions.endOthers(em, user.id, principal.sessionId);
  }

  async deleteMe(em: EntityManager, principal: Principal, password: string): Promise<void> {
    const user = await this.requireUser(em, principal.userId);
    await this.confirmPassword(user, password, 'password');
    await em.transactional(async (tx) => {
      if (user.role === Role.ADMIN && user.isActive) {
        // As for demotion and deactivation: the admins are locked first, so two last admins cannot both leave.
        const admins = await tx.find(User, { role: Role.ADMIN, isActive: true }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'ASC' } });
        if (admins.length <= 1) throw conflict(LAST_ADMIN);
      }
      for (const owner of this.owners) await owner(tx, user.id);
      await tx.nativeDelete(RefreshToken, { userId: user.id });
      await tx.nativeDelete(PasswordReset, { userId: user.id });
      await tx.nativeDelete(User, { id: user.id });
    });
    em.clear();
    await this.sessions.forget(user.id);
  }

  /** Always succeeds, whether or not the address is known: answers must not reveal accounts. */
  async requestPasswordReset(em: EntityManager, email: string, ip: string): Promise<void> {
    await consume(this.ipLimiter, `reset:${ip}`);
    await consume(this.nameAttempts, `reset:${emailKey(email)}`);
    const user = await em.findOne(User, { emailKey: emailKey(email), isActive: true });
    if (!user?.email) return;
    const { token } = await this.createReset(em, user);
    const link = this.resetLink(token);
    if (this.mailer.enabled) {
      const text = `Someone asked to reset the password of ${user.username}. If it was you, open this link within ${Math.round(this.limits.passwordResetTtlSeconds / 60)} minutes:\n\n${link}\n\nIf it was not you, ignore this mail.`;
      // Not awaited: how long the mail server takes must not tell whether the address has an account.
      void this.mailer.send({ to: user.email, subject: 'Reset your password', text }).catch((error: unknown) => {
        this.logger.error({ err: error, userId: user.id }, 'could not send the password reset mail');
      });
    } else if (!this.production) {
      this.logger.info({ userId: user.id, link }, 'password reset link (no SMTP_URL is set, so it is logged instead of mailed)');
    } else {
      this.logger.warn({ userId: user.id }, 'a password reset was asked for, but no SMTP_URL is set to mail it');
    }
  }

  async resetPassword(em: EntityManager, input: ResetPasswordInput): Promise<void> {
    const invalid = badInput({ token: 'is invalid, used or expired' });
    const ticket = await em.findOne(PasswordReset, { tokenHash: hashToken(input.token) });
    if (!ticket || ticket.usedAt || ticket.expiresAt.getTime() <= Date.now()) throw invalid;
    const user = await em.findOne(User, { id: ticket.userId, isActive: true });
    if (!user) throw invalid;
    // Marked used only if still unused: two concurrent resets with one token cannot both pass.
    const claimed = await em.nativeUpdate(PasswordReset, { id: ticket.id, usedAt: null }, { usedAt: new Date() });
    if (claimed !== 1) throw invalid;
    user.passwordHash = await this.passwords.hash(input.newPassword);
    user.tokenVersion++;
    await em.flush();
    await this.sessions.endAll(em, user, 'Your password was reset.');
  }

  async createReset(em: EntityManager, user: User): Promise<{ token: string; expiresAt: Date }> {
    const { token, hash } = opaqueToken();
    const expiresAt = new Date(Date.now() + this.limits.passwordResetTtlSeconds * 1000);
    em.create(PasswordReset, { userId: user.id, tokenHash: hash, expiresAt });
    await em.flush();
    return { token, expiresAt };
  }

  /** Makes the user an active admin, creating them when absent (ADMIN_USERNAME at start-up, create-admin). */
  async ensureAdmin(em: EntityManager, input: { username: string; password: string; email: string | null }): Promise<{ user: User; created: boolean }> {
    const existing = await em.findOne(User, { usernameKey: usernameKey(input.username) });
    if (existing) {
      if (existing.role !== Role.ADMIN || !existing.isActive) {
        existing.role = Role.ADMIN;
        existing.isActive = true;
        existing.tokenVersion++;
        await em.flush();
        await this.sessions.endAll(em, existing, 'Your role changed; sign in again.');
      }
      return { user: existing, created: false };
    }
    const user = await this.createUser(em, input, Role.ADMIN);
    await em.flush();
    await this.directory.put(user);
    return { user, created: true };
  }

  /**
   * A signed-in user proving it is them: wrong answers count against the same per-account limit as
   * sign-ins, so a stolen access token cannot be used to guess the password.
   */
  private async confirmPassword(user: User, password: string, field: string): Promise<void> {
    const attempts = `user:${user.id}`;
    await consume(this.loginFailures, attempts);
    if (!(await this.passwords.verify(user.passwordHash, password))) throw badInput({ [field]: 'is not correct' });
    await this.loginFailures.delete(attempts);
  }

  /** A new user, checked for a free name and email, not yet flushed. */
  private async createUser(em: EntityManager, input: { username: string; password: string; email?: string | null }, role: Role): Promise<User> {
    const email = input.email?.trim() || null;
    await this.assertAvailable(em, input.username, email);
    return em.create(User, {
      username: input.username.trim(),
      usernameKey: usernameKey(input.username),
      email,
      emailKey: email && emailKey(email),
      passwordHash: await this.passwords.hash(input.password),
      role,
    });
  }

  async requireUser(em: EntityManager, userId: string): Promise<User> {
    const user = await em.findOne(User, { id: userId });
    if (!user) throw notFound('User');
    return user;
  }

  private async assertAvailable(em: EntityManager, username: string | undefined, email: string | null, exceptId?: string): Promise<void> {
    if (!username && !email) return;
    const taken = await em.find(User, {
      $or: [...(username ? [{ usernameKey: usernameKey(username) }] : []), ...(email ? [{ emailKey: emailKey(email) }] : [])],
      ...(exceptId ? { id: { $ne: exceptId } } : {}),
    });
    const fields: Record<string, string> = {};
    for (const other of taken) {
      if (username && other.usernameKey === usernameKey(username)) fields.username = 'is already taken';
      if (email && other.emailKey === emailKey(email)) fields.email = 'is already taken';
    }
    if (Object.keys(fields).length) throw conflict(`That ${Object.keys(fields).join(' and ')} ${Object.keys(fields).length > 1 ? 'are' : 'is'} already taken.`, fields);
  }
}
