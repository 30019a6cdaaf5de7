// What admins do to users: list and find them, (de)activate them, change their role, hand out a reset.
// Every change that affects what a user may do ends their sessions; the last active admin stays one.
import { LockMode, raw, type FilterQuery } from '@mikro-orm/core';
import { conflict, notFound } from '../../platform/errors';
import type { EntityManager } from '../../platform/db/orm';
import { paginate, type Connection, type ForwardPageArgs } from '../../platform/graphql/connection';
import type { UserFilter } from './account.inputs';
import { LAST_ADMIN, type AccountService } from './account.service';
import type { SessionService } from './session.service';
import { Role, User } from './user.entity';


export class AdminService {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: SessionService,
  ) {}

  users(em: EntityManager, page: ForwardPageArgs, filter: UserFilter | null | undefined): Promise<Connection<User>> {
    const search = filter?.search?.trim().toLowerCase();
    const where = (): FilterQuery<User> => ({
      ...(filter?.role ? { role: filter.role } : {}),
      ...(typeof filter?.isActive === 'boolean' ? { isActive: filter.isActive } : {}),
      // instr() rather than LIKE: no wildcards to escape, and the same on MySQL and SQLite.
      ...(search ? { $or: [{ [raw('instr(username_key, ?)', [search])]: { $gt: 0 } }, { [raw("instr(coalesce(email_key, ''), ?)", [search])]: { $gt: 0 } }] } : {}),
    });
    return paginate(em, User, where, { usernameKey: 'ASC' }, page);
  }

  user(em: EntityManager, id: string): Promise<User | null> {
    return em.findOne(User, { id });
  }

  setActive(em: EntityManager, id: string, isActive: boolean): Promise<User> {
    return this.change(em, id, (user) => user.isActive !== isActive, (user) => (user.isActive = isActive), isActive ? 'Your account was reactivated.' : 'Your account was deactivated.', !isActive);
  }

  setRole(em: EntityManager, id: string, role: Role): Promise<User> {
    return this.change(em, id, (user) => user.role !== role, (user) => (user.role = role), 'Your role changed; sign in again.', role !== Role.ADMIN);
  }

  async issuePasswordReset(em: EntityManager, userId: string): Promise<{ token: string; expiresAt: Date }> {
    const user = await this.accounts.requireUser(em, userId);
    return this.accounts.createReset(em, user);
  }

  /**
   * Applies a change in a transaction that locks the active admins first (always in id order, so two
   * concurrent changes cannot deadlock or both remove "the other" last admin), then ends the user's
   * sessions once committed (which also publishes the user's new token version to every instance).
   */
  private async change(em: EntityManager, id: string, differs: (u: User) => boolean, apply: (u: User) => void, reason: string, removesAdmin: boolean): Promise<User> {
    const user = await em.transactional(async (tx) => {
      const admins = removesAdmin ? await tx.find(User, { role: Role.ADMIN, isActive: true }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'ASC' } }) : [];
      const target = await tx.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!target) throw notFound('User');
      if (!differs(target)) return null;
      if (removesAdmin && target.role === Role.ADMIN && target.isActive && admins.length <= 1) throw conflict(LAST_ADMIN);
      apply(target);
      target.tokenVersion++;
      return target;
    });
    if (!user) return this.accounts.requireUser(em, id);
    await this.sessions.endAll(em, user, reason);
    return user;
  }
}
