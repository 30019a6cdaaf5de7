// Real MCP servers for the tests: our small test server (mcp-test-server.mjs) and the reference
// server-everything, over stdio or Streamable HTTP, plus checks that their processes are gone.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { freePort } from './processes';

// Compiled into dist/test/support (for benches), this still runs the source file: tsc does not copy .mjs.
const compiled = basename(resolve(__dirname, '../..')) === 'dist';
export const TEST_SERVER = resolve(__dirname, compiled ? '../../../test/support' : '.', 'mcp-test-server.mjs');
export const EVERYTHING_SERVER = resolve(__dirname, '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/** What the pool passes every stdio child besides its own env. */
export const STDIO_BASE_ENV: Record<string, string> = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' };

export interface RunningHttpServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Our test server over Streamable HTTP; give the port of a stopped one to restart it there. */
export function startTestServerHttp(port = 0): Promise<RunningHttpServer> {
  return startHttpProcess([TEST_SERVER, 'http', '--port', String(port)], {});
}

/** server-everything over Streamable HTTP on a free port (it takes its port from PORT). */
export async function startEverythingHttp(): Promise<RunningHttpServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startHttpProcess([EVERYTHING_SERVER, 'streamableHttp'], { PORT: String(port) });
    } catch (error) {
      // Another process may take the port between our probe and its listen.
      if (attempt === 3) throw error;
    }
  }
}

function startHttpProcess(args: string[], env: Record<string, string>): Promise<RunningHttpServer> {
  const child = spawn(process.execPath, args, { env: { ...STDIO_BASE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`MCP HTTP server did not start in time: ${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on port (\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      const port = Number(match[1]);
      resolvePromise({ url: `http://127.0.0.1:${port}/mcp`, port, pid: child.pid!, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`MCP HTTP server exited with code ${code}: ${output}`));
    });
  });
}

/** Whether the process runs: a zombie waiting for init to reap it has exited and counts as gone. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls until the process is gone; false when it still runs after `timeoutMs`. */
export async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((done) => setTimeout(done, 25));
  }
  return true;
}

/** A fresh directory standing in for a user's workspace. */
export async function makeWorkspace(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'mcp-workspace-')));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A tool result's text blocks joined, other blocks as [type]. */
export const textOf = (result: CallToolResult): string =>
  result.content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('');
