// Outbound HTTP to URLs users give us, by the asking user's role: non-admins reach public addresses
// (and ALLOWED_PRIVATE_HOSTS) only; admins reach anything. One pooled fetch per policy, made once.
import type { Role } from '../graphql/context';
import { createGuardedFetch, type GuardedFetch } from './guarded-fetch';
import { assertUrlAllowed, type UrlPolicy } from './url-guard';

export class OutboundHttp {
  private readonly policies: Record<Role, UrlPolicy>;
  private readonly fetches: Record<Role, GuardedFetch>;

  constructor(allowedHosts: readonly string[]) {
    this.policies = { USER: { allowPrivate: false, allowedHosts }, ADMIN: { allowPrivate: true, allowedHosts } };
    this.fetches = { USER: createGuardedFetch(this.policies.USER), ADMIN: createGuardedFetch(this.policies.ADMIN) };
  }

  /** The fetch to reach a URL owned by a user of this role. */
  fetchFor(role: Role): GuardedFetch {
    return this.fetches[role];
  }

  /** Checks a URL a user of this role gives; BAD_USER_INPUT on `field` saying what was refused and why. */
  assertAllowed(url: string, role: Role, field: string): Promise<URL> {
    return assertUrlAllowed(url, this.policies[role], field);
  }

  async close(): Promise<void> {
    await Promise.all([this.fetches.USER.close(), this.fetches.ADMIN.close()]);
  }
}
