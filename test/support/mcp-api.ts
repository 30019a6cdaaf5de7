// The MCP server API as clients use it: the fields they ask for, configs for our test servers, and
// the service call the agent makes (tools/call is not a GraphQL operation of its own).
import { McpServerService } from '../../src/modules/mcp';
import type { TestApp } from './app';
import { uniqueName, type TestUser } from './accounts';
import type { GraphqlClient } from './graphql';
import { TEST_SERVER } from './mcp-servers';

export const SERVER_FIELDS =
  'id name description transport command args hasEnv url hasHeaders enabled toolApproval listTimeoutMs callTimeoutMs createdAt updatedAt';
export const LIVE_FIELDS = 'status { state error checkedAt } tools { name title description inputSchema annotations }';

export interface McpToolData {
  name: string;
  title: string | null;
  description: string | null;
  inputSchema: Record<string, unknown>;
  annotations: Record<string, unknown> | null;
}

export interface McpServerData {
  id: string;
  name: string;
  transport: 'STDIO' | 'STREAMABLE_HTTP';
  command: string | null;
  args: string[];
  hasEnv: boolean;
  url: string | null;
  hasHeaders: boolean;
  enabled: boolean;
  toolApproval: 'NEVER' | 'ALWAYS';
  status: { state: string; error: string | null; checkedAt: string | null };
  tools: McpToolData[];
  [field: string]: unknown;
}

export const CREATE = `mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { ${SERVER_FIELDS} } }`;
export const UPDATE = `mutation ($id: ID!, $input: UpdateMcpServerInput!) { updateMcpServer(id: $id, input: $input) { ${SERVER_FIELDS} } }`;
export const GET_LIVE = `query ($id: ID!) { mcpServer(id: $id) { ${SERVER_FIELDS} ${LIVE_FIELDS} } }`;
export const LIST_LIVE = `query ($first: Int) { mcpServers(first: $first) { totalCount edges { node { ${SERVER_FIELDS} ${LIVE_FIELDS} } } } }`;

/** Our test server over stdio, run by this node binary. */
export const stdioInput = (overrides: Record<string, unknown> = {}) => ({
  name: uniqueName('stdio'),
  transport: 'STDIO',
  command: process.execPath,
  args: [TEST_SERVER, 'stdio'],
  ...overrides,
});

export const httpInput = (url: string, overrides: Record<string, unknown> = {}) => ({
  name: uniqueName('http'),
  transport: 'STREAMABLE_HTTP',
  url,
  ...overrides,
});

export async function createServer(client: GraphqlClient, input: Record<string, unknown>): Promise<McpServerData> {
  return (await client.data<{ createMcpServer: McpServerData }>(CREATE, { input })).createMcpServer;
}

/** The server with its live tools and status, as `mcpServer(id)` answers. */
export async function liveServer(client: GraphqlClient, id: string): Promise<McpServerData> {
  return (await client.data<{ mcpServer: McpServerData }>(GET_LIVE, { id })).mcpServer;
}

export async function listLive(client: GraphqlClient, first = 20): Promise<McpServerData[]> {
  const data = await client.data<{ mcpServers: { edges: Array<{ node: McpServerData }> } }>(LIST_LIVE, { first });
  return data.mcpServers.edges.map((edge) => edge.node);
}

/** Calls a tool as the agent does, through the module's service; the result's text. */
export async function callTool(app: TestApp, user: TestUser, serverId: string, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await app.container.get(McpServerService).callTool(app.orm.em.fork(), user.id, serverId, name, args);
  return result.text;
}
