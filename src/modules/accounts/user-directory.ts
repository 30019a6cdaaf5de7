// The users' public records and token versions, cached in the kv (Redis or memory) so that checking a
// session and answering `me` cost a cache read, not a query. Every change to a user goes through
// AccountService or AdminService, which write the new record here once it is committed.
import type { Orm } from '../../platform/db/orm';
import type { Kv } from '../../platform/kv';
import { Role, User } from './user.entity';

export interface UserRecord {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  isActive: boolean;
  tokenVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

const TTL_SECONDS = 15 * 60;
/** Cached for a user that does not exist (or no longer does), so that tokens of theirs cost no query. */
const GONE = 'null';

export const userKey = (userId: string) => `user:${userId}`;

export class UserDirectory {
  constructor(
    private readonly orm: Orm,
    private readonly kv: Kv,
  ) {}

  /** Reads a cached value as the kv returned it (null: not cached), loading from the database on a miss. */
  async resolve(userId: string, cached: string | null): Promise<UserRecord | null> {
    if (cached !== null) return parse(cached);
    const user = await this.orm.em.fork().findOne(User, { id: userId });
    const value = user ? serialize(user) : GONE;
    // Only if absent: a change committed while we read must not be overwritten by our older copy.
    if (await this.kv.store.setIfAbsent(userKey(userId), value, TTL_SECONDS)) return parse(value);
    return parse((await this.kv.store.get(userKey(userId))) ?? value);
  }

  async get(userId: string): Promise<UserRecord | null> {
    return this.resolve(userId, await this.kv.store.get(userKey(userId)));
  }

  /** Drops the cached copy and reads the user afresh (the delete comes first, so a change committed meanwhile wins). */
  async reload(userId: string): Promise<UserRecord | null> {
    await this.kv.store.del(userKey(userId));
    return this.resolve(userId, null);
  }

  /** Records a committed change to the user. */
  async put(user: User): Promise<void> {
    await this.kv.store.set(userKey(user.id), serialize(user), TTL_SECONDS);
  }

  async forget(userId: string): Promise<void> {
    await this.kv.store.set(userKey(userId), GONE, TTL_SECONDS);
  }
}

function serialize(user: User): string {
  const { id, username, email, role, isActive, tokenVersion, createdAt, updatedAt } = user;
  return JSON.stringify({ id, username, email, role, isActive, tokenVersion, createdAt, updatedAt });
}

function parse(value: string): UserRecord | null {
  const record = JSON.parse(value) as (Omit<UserRecord, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string }) | null;
  return record && { ...record, createdAt: new Date(record.createdAt), updatedAt: new Date(record.updatedAt) };
}
