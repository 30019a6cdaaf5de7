// Outbound HTTP to URLs users give us, by the asking user's role: non-admins reach public addresses
// (and ALLOWED_PRIVATE_HOSTS) only; admins reach anything. One pooled fetch per policy, made once, whose
// responses are bounded in size.
import type { Role } from '../graphql/context';
import { boundedResponse } from './bounded-response';
import { createGuardedFetch, type GuardedFetch } from './guarded-fetch';
import { assertUrlAllowed, type UrlPolicy } from './url-guard';

export class OutboundHttp {
  private readonly policies: Record<Role, UrlPolicy>;
  private readonly guarded: Record<Role, GuardedFetch>;

  /** `maxResponseBytes`: the most a response body, or one event of an event stream, may hold. */
  constructor(
    allowedHosts: readonly string[],
    readonly maxResponseBytes: number,
  ) {
    this.policies = { USER: { allowPrivate: false, allowedHosts }, ADMIN: { allowPrivate: true, allowedHosts } };
    this.guarded = { USER: createGuardedFetch(this.policies.USER), ADMIN: createGuardedFetch(this.policies.ADMIN) };
  }

  /**
   * The fetch to reach a URL owned by a user of this role. `eventsBoundedByReader`: the caller reads
   * event streams itself and bounds each event (the LLM client, on the path of every token), so they
   * pass without the extra stage; every other body is still bounded.
   */
  fetchFor(role: Role, options: { eventsBoundedByReader?: boolean } = {}): typeof fetch {
    const guarded = this.guarded[role];
    const eventsBoundedByReader = options.eventsBoundedByReader ?? false;
    return async (input: string | URL | Request, init?: RequestInit) => boundedResponse(await guarded(input, init), this.maxResponseBytes, eventsBoundedByReader);
  }

  /** Checks a URL a user of this role gives; BAD_USER_INPUT on `field` saying what was refused and why. */
  assertAllowed(url: string, role: Role, field: string): Promise<URL> {
    return assertUrlAllowed(url, this.policies[role], field);
  }

  async close(): Promise<void> {
    await Promise.all([this.guarded.USER.close(), this.guarded.ADMIN.close()]);
  }
}
