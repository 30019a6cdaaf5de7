// The real process: `node src/main.js`, stopped with SIGTERM while a request is in flight.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { compileServer } from '../support/compiled-server';
import { testEnv } from '../support/app';

jest.setTimeout(60_000);

describe('graceful shutdown of the server process', () => {
  it('on SIGTERM stops accepting, finishes the request in flight, closes sockets with 1001 and exits 0 in time', async () => {
    const dir = compileServer();
    const child = spawn(process.execPath, [join(dir, 'src', 'main.js')], {
      // Production, as deployed: libraries behave differently there (Apollo installs signal handlers outside tests).
      env: { ...process.env, ...testEnv({ NODE_ENV: 'production', SECRETS_KEY: 'ab'.repeat(32), LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '10000' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg: string; url?: string };
          if (entry.msg === 'mcp-agent-hub listening' && entry.url) resolve(entry.url);
        });
        child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
      });

      let wsCloseCode: number | null = null;
      const ws = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, on: { closed: (event) => (wsCloseCode = (event as { code: number }).code) } });
      const firstBeat = new Promise((resolve) => ws.subscribe({ query: 'subscription { heartbeat(intervalSeconds: 60) }' }, { next: resolve, error: () => undefined, complete: () => undefined }));
      await firstBeat;

      const body = JSON.stringify({ query: '{ serverInfo { name } }' });
      const inFlight = request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        inFlight.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        inFlight.on('error', reject);
      });
      inFlight.write(body.slice(0, 10));
      await new Promise((resolve) => setTimeout(resolve, 200));

      const signalledAt = Date.now();
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await expect(fetch(`${url}/health`)).rejects.toThrow();

      inFlight.end(body.slice(10));
      expect(await response).toEqual({ status: 200, body: JSON.stringify({ data: { serverInfo: { name: 'mcp-agent-hub' } } }) + '\n' });

      const { code, at } = await exited;
      expect(code).toBe(0);
      expect(at - signalledAt).toBeLessThan(10_000);
      expect(wsCloseCode).toBe(1001);
      await ws.dispose();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
