// Accounts: users, sessions, admin. Wires the services, the first admin and socket closing on revocation.
import type { ModuleDeps } from '../index';
import { AccountResolver, AdminResolver } from './account.resolver';
import { AccountService } from './account.service';
import { AdminService } from './admin.service';
import { Mailer } from './mailer';
import { Passwords } from './passwords';
import { SESSIONS_REVOKED_TOPIC, SessionService, type SessionsRevoked } from './session.service';
import { AccessTokens } from './tokens';
import { UserDirectory } from './user-directory';
import type { GraphqlWs } from '../../platform/http/graphql-ws';

export { AccountService, SessionService };

export function createAccountsModule({ config, logger, orm, kv, container }: ModuleDeps) {
  const directory = new UserDirectory(orm, kv);
  const sessions = new SessionService(directory, kv, new AccessTokens(config.auth.jwtSecret, config.auth.accessTokenTtlSeconds), config.auth.refreshTokenTtlSeconds);
  const mailer = new Mailer(config.mail.smtpUrl, config.mail.from);
  const publicUrl = (config.publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');
  const accounts = new AccountService(
    kv,
    directory,
    sessions,
    new Passwords(),
    mailer,
    { ...config.auth },
    (token) => `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`,
    logger,
    config.nodeEnv === 'production',
  );
  const admin = new AdminService(accounts, sessions);
  container.set(SessionService, sessions).set(AccountService, accounts).set(AdminService, admin).set(Mailer, mailer);
  let stopListening: (() => void) | null = null;

  return {
    accounts,
    sessions,
    resolvers: [AccountResolver, AdminResolver],
    authenticator: sessions,

    /** The first admin, from ADMIN_USERNAME and ADMIN_PASSWORD, created or promoted. */
    async ensureFirstAdmin(): Promise<void> {
      const { adminUsername, adminPassword, adminEmail } = config.auth;
      if (!adminUsername || !adminPassword) return;
      const { user, created } = await accounts.ensureAdmin(orm.em.fork(), { username: adminUsername, password: adminPassword, email: adminEmail });
      logger.info({ userId: user.id, username: user.username }, created ? 'first admin created from ADMIN_USERNAME' : 'ADMIN_USERNAME is an active admin');
    },

    /** Closes, on this instance, the sockets of sessions that ended anywhere. */
    async started(ws: GraphqlWs): Promise<void> {
      const events = await kv.pubSub.listen<SessionsRevoked>(SESSIONS_REVOKED_TOPIC);
      stopListening = () => void events.return?.();
      void (async () => {
        for await (const event of events) ws.closeSessions(event.userId, event.sessionIds ?? null, event.reason);
      })();
    },

    async close(): Promise<void> {
      stopListening?.();
      mailer.close();
    },
  };
}
