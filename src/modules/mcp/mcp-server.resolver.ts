import { Arg, Args, Authorized, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type DataLoader from 'dataloader';
import { ForwardPageArgs, connectionType } from '../../platform/graphql/connection';
import type { Context } from '../../platform/graphql/context';
import type { McpConnectionTest } from './client-pool';
import { McpServer } from './mcp-server.entity';
import { CreateMcpServerInput, UpdateMcpServerInput } from './mcp-server.inputs';
import { McpServerService, type LiveServer } from './mcp-server.service';
import { McpServerStatus, McpServerTest, McpTool } from './mcp-server.types';

const McpServerConnection = connectionType(McpServer);

@Resolver(() => McpServer)
export class McpServerResolver {
  constructor(private readonly servers: McpServerService) {}

  @Authorized()
  @Query(() => McpServerConnection, { description: 'Your MCP servers, by name.' })
  mcpServers(@Args() page: ForwardPageArgs, @Ctx() ctx: Context) {
    return this.servers.list(ctx.em, ctx.user!.userId, page);
  }

  @Authorized()
  @Query(() => McpServer, { nullable: true, description: 'One of your MCP servers; null for any other id, as for one that does not exist.' })
  mcpServer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<McpServer | null> {
    return this.servers.find(ctx.em, ctx.user!.userId, id);
  }

  @Authorized()
  @Mutation(() => McpServer, { description: 'STDIO servers: admins only, unless the command is listed in MCP_STDIO_ALLOWED_COMMANDS.' })
  createMcpServer(@Arg('input') input: CreateMcpServerInput, @Ctx() ctx: Context): Promise<McpServer> {
    return this.servers.create(ctx.em, ctx.user!, input);
  }

  @Authorized()
  @Mutation(() => McpServer, { description: "Closes the server's live connection; the next use connects with the new config." })
  updateMcpServer(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateMcpServerInput, @Ctx() ctx: Context): Promise<McpServer> {
    return this.servers.update(ctx.em, ctx.user!, id, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Deletes the config and closes the server's live connection." })
  async deleteMcpServer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.servers.delete(ctx.em, ctx.user!.userId, id);
    return true;
  }

  @Authorized()
  @Directive('@rateLimit(limit: 10, duration: 60)')
  @Mutation(() => McpServerTest, { description: 'Connects afresh, initializes and lists tools; an unreachable server is ok: false with the reason.' })
  testMcpServer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<McpConnectionTest> {
    return this.servers.test(ctx.em, ctx.user!.userId, id);
  }

  @FieldResolver(() => [McpTool], { description: 'Listed live from the server (cached briefly); [] when it cannot be reached, and status says why.' })
  async tools(@Root() server: McpServer, @Ctx() ctx: Context): Promise<McpTool[]> {
    return (await this.live(ctx).load(server)).tools;
  }

  @FieldResolver(() => McpServerStatus)
  async status(@Root() server: McpServer, @Ctx() ctx: Context): Promise<McpServerStatus> {
    return (await this.live(ctx).load(server)).status;
  }

  // One loader per request: the servers of a page are all asked at once, each once.
  private live(ctx: Context): DataLoader<McpServer, LiveServer> {
    return ctx.loaders.get<McpServer, LiveServer>('mcp.liveServer', (servers) => this.servers.live(ctx.em, ctx.user!.userId, servers), {
      cacheKeyFn: (server) => server.id,
    });
  }
}
