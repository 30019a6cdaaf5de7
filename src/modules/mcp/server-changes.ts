// When a server config changes or goes away, every instance closes its own live client of it at
// once: here directly, elsewhere through kv pub/sub (instances ignore their own announcements).
import { randomUUID } from 'node:crypto';
import type { PubSub } from '../../platform/kv';
import type { Logger } from '../../platform/logger';
import type { McpClientPool } from './client-pool';

export const MCP_SERVERS_CHANGED_TOPIC = 'mcp:servers-changed';

interface ServersChanged {
  from: string;
  ids: string[];
}

export class ServerChanges {
  private readonly instanceId = randomUUID();
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly pubSub: PubSub,
    private readonly pool: McpClientPool,
    private readonly logger: Logger,
  ) {}

  async listen(): Promise<void> {
    const events = await this.pubSub.listen<ServersChanged>(MCP_SERVERS_CHANGED_TOPIC);
    this.stopListening = () => void events.return?.();
    void (async () => {
      for await (const event of events) {
        if (event.from === this.instanceId) continue;
        for (const id of event.ids) void this.pool.invalidate(id);
      }
    })().catch((error: unknown) => this.logger.error({ err: error }, 'stopped following MCP server changes'));
  }

  /** Closes the servers' clients on this instance (resolved once closed) and tells the others. */
  async changed(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await Promise.all(ids.map((id) => this.pool.invalidate(id)));
    await this.pubSub.publish(MCP_SERVERS_CHANGED_TOPIC, { from: this.instanceId, ids } satisfies ServersChanged).catch((error: unknown) => {
      this.logger.warn({ err: error, serverIds: ids }, 'could not tell other instances that MCP servers changed');
    });
  }

  close(): void {
    this.stopListening?.();
  }
}
