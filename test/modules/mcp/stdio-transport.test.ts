import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { transformFileSync } from '@swc/core';
import { GroupStdioTransport, ProcessNotRunningError } from '../../../src/modules/mcp/stdio-transport';
import { STDIO_BASE_ENV, isProcessAlive, makeWorkspace, waitUntilGone } from '../../support/mcp-servers';

describe('GroupStdioTransport', () => {
  let workspace: { dir: string; remove(): Promise<void> };
  const open: GroupStdioTransport[] = [];

  const transport = (command: string, args: string[], killGraceMs = 2000) => {
    const t = new GroupStdioTransport({ command, args, env: STDIO_BASE_ENV, cwd: workspace.dir }, { killGraceMs });
    open.push(t);
    return t;
  };

  // A node script as the server, writing `marker <pid>` lines to stderr when told.
  const script = (source: string, killGraceMs?: number) => transport(process.execPath, ['-e', source], killGraceMs);

  const stderrContains = async (t: GroupStdioTransport, pattern: RegExp): Promise<RegExpExecArray> => {
    for (let i = 0; i < 400; i++) {
      const match = pattern.exec(t.stderr());
      if (match) return match;
      await new Promise((done) => setTimeout(done, 25));
    }
    throw new Error(`stderr never matched ${pattern}: ${t.stderr()}`);
  };

  beforeAll(async () => {
    workspace = await makeWorkspace();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  afterAll(async () => {
    await workspace.remove();
  });

  it('names the command when it does not exist', async () => {
    await expect(transport('/nonexistent/mcp-server-xyz', []).start()).rejects.toThrow(
      'cannot start "/nonexistent/mcp-server-xyz": command not found (ENOENT)',
    );
  });

  it('says permission denied for a file that is not executable', async () => {
    const file = join(workspace.dir, 'not-executable.sh');
    await writeFile(file, '#!/bin/sh\necho hi\n');
    await chmod(file, 0o644);
    await expect(transport(file, []).start()).rejects.toThrow(`cannot start "${file}": permission denied (EACCES)`);
  });

  it('says so when the working directory does not exist', async () => {
    const t = new GroupStdioTransport({ command: process.execPath, args: [], env: STDIO_BASE_ENV, cwd: join(workspace.dir, 'missing') });
    await expect(t.start()).rejects.toThrow('its working directory does not exist');
  });

  it('reports an unexpected exit with its code and the end of stderr, then closes once', async () => {
    const t = script("process.stderr.write('x'.repeat(10000) + 'the end'); setTimeout(() => process.exit(7), 50);");
    const errors: Error[] = [];
    let closes = 0;
    t.onerror = (error) => errors.push(error);
    const closed = new Promise<void>((done) => {
      t.onclose = () => {
        closes++;
        done();
      };
    });
    await t.start();
    await closed;
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^the MCP server process exited with code 7; its stderr ended with: x+the end$/)]);
    expect(t.stderr().length).toBeLessThanOrEqual(4096);
    await t.close();
    expect(closes).toBe(1);
  });

  it('kills the whole process group on close, even members that ignore SIGTERM', async () => {
    const t = script(
      `process.on('SIGTERM', () => {});
       const child = require('node:child_process').spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
       process.stderr.write('grandchild ' + child.pid + '\\n');
       setInterval(() => {}, 1000);`,
      300,
    );
    await t.start();
    const leader = t.pid!;
    const grandchild = Number((await stderrContains(t, /grandchild (\d+)/))[1]);
    expect(isProcessAlive(grandchild)).toBe(true);

    await t.close();

    expect(isProcessAlive(leader)).toBe(false);
    expect(await waitUntilGone(grandchild)).toBe(true);
    expect(t.pid).toBeUndefined();
  });

  it('takes the group down when the leader dies on its own', async () => {
    const t = script(
      `const child = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
       process.stderr.write('grandchild ' + child.pid + '\\n');
       setTimeout(() => process.exit(0), 200);`,
    );
    const closed = new Promise<void>((done) => (t.onclose = done));
    await t.start();
    const grandchild = Number((await stderrContains(t, /grandchild (\d+)/))[1]);
    await closed;
    expect(await waitUntilGone(grandchild)).toBe(true);
  });

  it('refuses to send once the child is gone, saying how it ended', async () => {
    const t = script("process.stderr.write('going away'); process.exit(5)");
    const closed = new Promise<void>((done) => (t.onclose = done));
    await t.start();
    await closed;
    await expect(t.send({ jsonrpc: '2.0', method: 'ping', id: 1 })).rejects.toThrow(
      'the MCP server process exited with code 5; its stderr ended with: going away',
    );
  });

  it('says how the child ended when a message meets a broken pipe', async () => {
    const t = script(
      `require('node:fs').closeSync(0);
       process.stderr.write('stdin closed\\n');
       setTimeout(() => { process.stderr.write('bye'); process.exit(4); }, 300);`,
    );
    await t.start();
    await stderrContains(t, /stdin closed/);

    const sent = t.send({ jsonrpc: '2.0', method: 'ping', id: 1 });

    await expect(sent).rejects.toThrow(ProcessNotRunningError);
    await expect(sent).rejects.toThrow(/^the MCP server process exited with code 4; its stderr ended with: stdin closed\nbye$/);
  });

  it('kills live process groups when our own process dies of an uncaught error', async () => {
    // A host process of its own, running the transport compiled to plain JavaScript, that crashes.
    const source = resolve(__dirname, '../../../src/modules/mcp/stdio-transport.ts');
    const compiled = transformFileSync(source, {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    await writeFile(join(workspace.dir, 'stdio-transport.js'), compiled.code);
    await writeFile(
      join(workspace.dir, 'host.js'),
      `const { GroupStdioTransport } = require('./stdio-transport.js');
       const t = new GroupStdioTransport({ command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], env: {}, cwd: __dirname });
       t.start().then(() => {
         process.stdout.write(t.pid + '\\n');
         setTimeout(() => { throw new Error('host crashed'); }, 50);
       });`,
    );
    const host = spawn(process.execPath, [join(workspace.dir, 'host.js')], {
      env: { ...STDIO_BASE_ENV, NODE_PATH: resolve(__dirname, '../../../node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    host.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    host.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = await once(host, 'exit');
    const serverPid = Number(/^(\d+)$/m.exec(output)?.[1]);

    try {
      expect(code).toBe(1);
      expect(output).toContain('host crashed');
      expect(serverPid).toBeGreaterThan(0);
      expect(await waitUntilGone(serverPid, 5000)).toBe(true);
    } finally {
      if (serverPid > 0 && isProcessAlive(serverPid)) process.kill(-serverPid, 'SIGKILL');
    }
  });
});
