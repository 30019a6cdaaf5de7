// npm run create-admin -- <username> [--email <address>]
// Makes the user an active admin, creating them when missing. The password comes from ADMIN_PASSWORD,
// or is asked for (typed without echo), or read from the first line of standard input when piped.
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config';
import { createOrm, migrate } from '../src/platform/db/orm';
import { createKv } from '../src/platform/kv';
import { createLogger } from '../src/platform/logger';
import { Container } from '../src/platform/graphql/container';
import { Secrets } from '../src/platform/secrets';
import { AccountService } from '../src/modules/accounts';
import { createModules, entities } from '../src/modules';
import { PASSWORD_MAX, PASSWORD_MIN } from '../src/modules/accounts/passwords';
import { isValidUsername, USERNAME_RULE } from '../src/modules/accounts/username';

function askPassword(): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY });
  return new Promise((resolve) => {
    rl.question('Password: ', (answer) => {
      rl.close();
      if (process.stdin.isTTY) process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function main(): Promise<void> {
  const [username] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--email');
  const emailAt = process.argv.indexOf('--email');
  const email = emailAt > 0 ? (process.argv[emailAt + 1] ?? null) : null;
  if (!username) throw new Error('usage: npm run create-admin -- <username> [--email <address>]');
  if (!isValidUsername(username)) throw new Error(`the username ${USERNAME_RULE}`);
  const config = loadConfig({ ...process.env, ADMIN_USERNAME: '', ADMIN_PASSWORD: '' });
  const password = process.env.ADMIN_PASSWORD || (await askPassword());
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) throw new Error(`the password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);

  const logger = createLogger({ level: 'warn', pretty: false });
  const orm = await createOrm(config.database, entities, logger);
  const kv = await createKv(config.redis);
  try {
    await migrate(orm);
    const container = new Container().set(Secrets, new Secrets(config.secretsKey));
    const modules = await createModules({ config, logger, orm, kv, container });
    const { user, created } = await container.get(AccountService).ensureAdmin(orm.em.fork(), { username, password, email });
    await modules.close();
    process.stdout.write(created ? `created admin ${user.username} (${user.id})\n` : `${user.username} is an active admin; the password was left as it was\n`);
  } finally {
    await kv.close();
    await orm.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`create-admin failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
