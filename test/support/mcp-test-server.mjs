// A small MCP server for the tests, run by plain node over stdio or Streamable HTTP.
//   node mcp-test-server.mjs stdio [--hang-list]
//   node mcp-test-server.mjs http [--port N]      (prints "listening on port N" once it listens;
//                                                  a session started at /mcp?listDelayMs=N lists slowly)
// Its tools can crash it, hang, be slow, change its tool list, and show its env, cwd, headers and children.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const [mode = 'stdio', ...flags] = process.argv.slice(2);
const hangList = flags.includes('--hang-list');
const portFlag = flags.indexOf('--port');
const port = portFlag >= 0 ? Number(flags[portFlag + 1]) : 0;

const object = (properties = {}, required = []) => ({ type: 'object', properties, required });
const baseTools = [
  { name: 'echo', description: 'Echoes the message back', inputSchema: object({ message: { type: 'string' } }, ['message']) },
  { name: 'crash', description: 'Exits the server process with the given code', inputSchema: object({ code: { type: 'number' } }) },
  { name: 'hang', description: 'Never answers', inputSchema: object() },
  { name: 'slow', description: 'Answers after ms milliseconds', inputSchema: object({ ms: { type: 'number' } }, ['ms']) },
  { name: 'set_tools', description: 'Adds tools by name and notifies list_changed', inputSchema: object({ names: { type: 'array', items: { type: 'string' } } }, ['names']) },
  { name: 'env', description: 'Returns the values of the named environment variables (null when unset)', inputSchema: object({ names: { type: 'array', items: { type: 'string' } } }, ['names']) },
  { name: 'env_names', description: 'Returns the names of all environment variables', inputSchema: object() },
  { name: 'cwd', description: 'Returns the working directory', inputSchema: object() },
  { name: 'pid', description: 'Returns the server process id', inputSchema: object() },
  { name: 'request_header', description: 'Returns an HTTP request header (Streamable HTTP only)', inputSchema: object({ name: { type: 'string' } }, ['name']) },
  { name: 'spawn_grandchild', description: 'Starts a long-lived child process in the same group; returns its pid', inputSchema: object({ ignoreTerm: { type: 'boolean' } }) },
];
let extraTools = [];
const servers = new Set();

const text = (value) => ({ content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }] });

async function callTool(name, args, extra) {
  switch (name) {
    case 'echo':
      return text(String(args.message));
    case 'crash':
      process.stderr.write('crashing on request\n');
      process.exit(args.code ?? 1);
      break;
    case 'hang':
      return new Promise(() => {});
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, args.ms));
      return text(`waited ${args.ms} ms`);
    case 'set_tools':
      extraTools = args.names.map((added) => ({ name: added, description: `Added tool ${added}`, inputSchema: object() }));
      await Promise.all([...servers].map((server) => server.sendToolListChanged()));
      return text(`tools now: ${[...baseTools, ...extraTools].map((t) => t.name).join(', ')}`);
    case 'env':
      return text(Object.fromEntries(args.names.map((key) => [key, process.env[key] ?? null])));
    case 'env_names':
      return text(Object.keys(process.env).sort());
    case 'cwd':
      return text(process.cwd());
    case 'pid':
      return text(String(process.pid));
    case 'request_header':
      return text(String(extra.requestInfo?.headers[args.name.toLowerCase()] ?? ''));
    case 'spawn_grandchild': {
      const script = `${args.ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'inherit', 'inherit'] });
      return text(String(child.pid));
    }
    default:
      if (extraTools.some((t) => t.name === name)) return text(`called ${name}`);
      return { isError: true, content: [{ type: 'text', text: `unknown tool ${name}` }] };
  }
}

function newServer(listDelayMs = 0) {
  const server = new Server({ name: 'mcp-test-server', version: '1.2.3' }, { capabilities: { tools: { listChanged: true } } });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    if (hangList) return new Promise(() => {});
    if (listDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, listDelayMs));
    return { tools: [...baseTools, ...extraTools] };
  });
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => callTool(request.params.name, request.params.arguments ?? {}, extra));
  servers.add(server);
  server.onclose = () => servers.delete(server);
  return server;
}

if (mode === 'stdio') {
  await newServer().connect(new StdioServerTransport());
} else if (mode === 'http') {
  const sessions = new Map();
  const httpServer = createServer(async (req, res) => {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId);
      if (!transport) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      await transport.handleRequest(req, res);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(400).end();
      return;
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    const listDelayMs = Number(new URL(req.url ?? '/', 'http://localhost').searchParams.get('listDelayMs'));
    await newServer(listDelayMs).connect(transport);
    await transport.handleRequest(req, res);
  });
  httpServer.listen(port, '127.0.0.1', () => {
    process.stdout.write(`listening on port ${httpServer.address().port}\n`);
  });
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
