// A stored server config turned into what the pool connects with: secrets decrypted, the owner's
// workspace as the child's home, and the owner's reach on the network. The owner's role is the
// current one (a role change ends every session), so a demoted admin's servers lose admin reach at once.
import type { Role } from '../../platform/graphql/context';
import { forbidden } from '../../platform/errors';
import type { OutboundHttp } from '../../platform/net/outbound';
import type { Secrets } from '../../platform/secrets';
import type { McpConnectionSpec } from './client-pool';
import { McpTransport, type McpServer } from './mcp-server.entity';
import { commandRefusal } from './mcp-server.rules';

/** Who a server belongs to, as the signed-in owner proves it. */
export interface McpOwner {
  userId: string;
  role: Role;
}

export type WorkspaceDir = (userId: string) => Promise<string>;

export class ServerSpecs {
  constructor(
    private readonly secrets: Secrets,
    private readonly outbound: OutboundHttp,
    private readonly workspaceDir: WorkspaceDir,
    private readonly allowedCommands: readonly string[],
  ) {}

  /** FORBIDDEN when the owner may not run the server's command (an admin's server, its owner since demoted). */
  async specFor(owner: McpOwner, server: McpServer): Promise<McpConnectionSpec> {
    const base = {
      id: server.id,
      name: server.name,
      userId: server.userId,
      // The reach depends on the role, so a client made for another role is never reused.
      version: `${server.revision}:${owner.role}`,
      timeouts: { listMs: server.listTimeoutMs ?? undefined, callMs: server.callTimeoutMs ?? undefined },
    };
    if (server.transport === McpTransport.STDIO) {
      const env = this.open(server.envEncrypted);
      const command = server.command ?? '';
      const refusal = commandRefusal(command, Object.keys(env ?? {}), owner.role, this.allowedCommands);
      if (refusal) throw forbidden(refusal);
      return { ...base, transport: 'STDIO', command, args: server.args, env, cwd: await this.workspaceDir(server.userId) };
    }
    return {
      ...base,
      transport: 'STREAMABLE_HTTP',
      url: server.url ?? undefined,
      headers: this.open(server.headersEncrypted),
      fetch: this.outbound.fetchFor(owner.role),
    };
  }

  seal(map: Record<string, string> | null): string | null {
    return map && Object.keys(map).length > 0 ? this.secrets.encryptJson(map) : null;
  }

  open(sealed: string | null): Record<string, string> | undefined {
    return sealed === null ? undefined : this.secrets.decryptJson<Record<string, string>>(sealed);
  }
}
