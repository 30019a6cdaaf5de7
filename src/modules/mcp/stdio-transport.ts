// An MCP stdio client transport whose child runs in its own process group, so closing it
// (or our process exiting) takes down everything the server started: no orphans.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioProcessSpec {
  command: string;
  args: string[];
  /** The child's whole environment: nothing is added from ours. */
  env: Record<string, string>;
  cwd: string;
}

export interface StdioTransportOptions {
  /** How long the group gets between SIGTERM and SIGKILL on close. */
  killGraceMs?: number;
  /** How much of the child's stderr is kept for error messages. */
  stderrTailBytes?: number;
}

/** A message could not be sent because the child is not running: it was never delivered. */
export class ProcessNotRunningError extends Error {
  /** `exit`: how the child ended (exit code, end of stderr), when known. */
  constructor(command: string, exit?: string) {
    super(exit ?? `the MCP server process "${command}" is not running`);
    this.name = 'ProcessNotRunningError';
  }
}

// Process groups still alive, killed synchronously if our process exits before closing them.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export class GroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcessWithoutNullStreams;
  private readonly readBuffer = new ReadBuffer();
  private stderrTail = Buffer.alloc(0);
  private closing = false;
  private exited = false;
  /** How the child ended on its own, e.g. "the MCP server process exited with code 3; its stderr ended with: …". */
  private exitReason?: string;
  private readonly exitSeen: Promise<void>;
  private resolveExitSeen!: () => void;
  private finished = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;
  private readonly killGraceMs: number;
  private readonly stderrTailBytes: number;

  constructor(
    private readonly spec: StdioProcessSpec,
    options: StdioTransportOptions = {},
  ) {
    this.killGraceMs = options.killGraceMs ?? 2000;
    this.stderrTailBytes = options.stderrTailBytes ?? 4096;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.exitSeen = new Promise((resolve) => (this.resolveExitSeen = resolve));
  }

  /** The PID (and process group id) of the running child. */
  get pid(): number | undefined {
    return this.exited ? undefined : this.child?.pid;
  }

  /** The last few KB the child wrote to stderr. */
  stderr(): string {
    return this.stderrTail.toString('utf8').replace(/^\uFFFD+/, '');
  }

  start(): Promise<void> {
    if (this.child) throw new Error('GroupStdioTransport already started');
    installExitHook();
    const { command, args, env, cwd } = this.spec;
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { env, cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
      this.child = child;
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) {
          this.onerror?.(error);
          return;
        }
        this.exited = true;
        this.finish();
        void this.spawnError(error).then(reject);
      });
      child.once('spawn', () => {
        liveGroups.add(child.pid!);
        resolve();
      });
      child.once('exit', (code, signal) => this.onExit(code, signal));
      child.once('close', () => this.finish());
      child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
      child.stderr.on('data', (chunk: Buffer) => this.keepStderr(chunk));
      // A write to a dead child fails with EPIPE; the exit handler reports it, this keeps it from throwing.
      child.stdin.on('error', () => undefined);
      child.stdout.on('error', () => undefined);
      child.stderr.on('error', () => undefined);
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.exited || this.closing || !stdin.writable) return this.notRunning();
    return new Promise((resolve, reject) => {
      stdin.write(serializeMessage(message), (error) => (error ? this.notRunning().catch(reject) : resolve()));
    });
  }

  /** Kills the whole group (SIGTERM, then SIGKILL after the grace) and resolves once the child is gone. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.finished) {
      this.finish();
      return this.done;
    }
    this.closing = true;
    if (!this.exited) {
      child.stdin.end();
      killGroup(child.pid!, 'SIGTERM');
      const grace = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), this.killGraceMs);
      await this.done;
      clearTimeout(grace);
    }
    return this.done;
  }

  private onStdout(chunk: Buffer): void {
    try {
      this.readBuffer.append(chunk);
    } catch (error) {
      this.onerror?.(error as Error);
      void this.close();
      return;
    }
    for (;;) {
      try {
        const message = this.readBuffer.readMessage();
        if (message === null) break;
        this.onmessage?.(message);
      } catch (error) {
        this.onerror?.(new Error(`the MCP server wrote a line that is not JSON-RPC to stdout: ${(error as Error).message}`));
      }
    }
  }

  /** Rejects saying how the child ended: a broken pipe comes before the exit, so that is awaited a moment. */
  private async notRunning(): Promise<never> {
    if (this.child && !this.exited && !this.closing) {
      await Promise.race([this.exitSeen, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    }
    throw new ProcessNotRunningError(this.spec.command, this.exitReason);
  }

  private keepStderr(chunk: Buffer): void {
    const joined = Buffer.concat([this.stderrTail, chunk]);
    this.stderrTail = joined.length > this.stderrTailBytes ? joined.subarray(joined.length - this.stderrTailBytes) : joined;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    const pgid = this.child!.pid!;
    // Whatever the leader left behind in its group goes with it.
    killGroup(pgid, 'SIGKILL');
    liveGroups.delete(pgid);
    if (!this.closing) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const tail = this.stderr().trim();
      this.exitReason = `the MCP server process ${how}${tail ? `; its stderr ended with: ${tail}` : ''}`;
      this.onerror?.(new Error(this.exitReason));
    }
    this.resolveExitSeen();
    // Normally 'close' follows once the pipes drain; a pipe held open elsewhere must not keep us waiting.
    setTimeout(() => this.finish(), 1000).unref();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.readBuffer.clear();
    this.child?.stdout.destroy();
    this.child?.stderr.destroy();
    this.child?.stdin.destroy();
    this.resolveDone();
    this.onclose?.();
  }

  private async spawnError(error: NodeJS.ErrnoException): Promise<Error> {
    const { command, cwd } = this.spec;
    if (error.code === 'ENOENT') {
      const cwdExists = await stat(cwd).then((s) => s.isDirectory(), () => false);
      if (!cwdExists) return new Error(`cannot start "${command}": its working directory does not exist`);
      return new Error(`cannot start "${command}": command not found (ENOENT)`);
    }
    if (error.code === 'EACCES') return new Error(`cannot start "${command}": permission denied (EACCES)`);
    return new Error(`cannot start "${command}": ${error.message}`);
  }
}
