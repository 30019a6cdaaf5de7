// Servers for benchmarks, each in a child process of its own so the load generator does not share
// its event loop: `node servers.js <kind>` sends its URL to the parent over IPC.
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadConfig } from '../src/config';
import { createApp } from '../src/app';
import { createLogger } from '../src/platform/logger';

export interface ChildServer {
  url: string;
  /** The child's process id, e.g. to read its memory from /proc. */
  pid: number;
  close(): Promise<void>;
}

export async function startChild(kind: string, env: Record<string, string> = {}): Promise<ChildServer> {
  // Its logs go nowhere, as a production server's go to a collector, without costing the parent.
  const child: ChildProcess = fork(__filename, [kind], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve(String(message)));
    child.once('exit', (code) => reject(new Error(`bench server ${kind} exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function serve(kind: string): Promise<string> {
  if (kind === 'bare-apollo') {
    const server = new ApolloServer({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    return url.replace(/\/$/, '');
  }
  if (kind === 'hub') {
    const config = loadConfig({ ...process.env, HOST: '127.0.0.1', PORT: '0' });
    // Logging as main.ts sets it up: a production server's logs cost what they cost.
    const app = await createApp(config, { logger: createLogger({ level: config.logLevel, pretty: false, buffered: true }) });
    process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
    return `${app.url}/graphql`;
  }
  throw new Error(`unknown bench server ${kind}`);
}

if (require.main === module) {
  serve(process.argv[2]).then(
    (url) => process.send?.(url),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
