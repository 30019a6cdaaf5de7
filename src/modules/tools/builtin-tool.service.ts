// The built-in tools the agent offers the model beside MCP tools: file_save, file_read, file_search
// over the user's workspace (through the files module) and web_search. A tool's failure is text for
// the model (isError), never a thrown error, except a cancelled run's abort.
import type { EntityManager } from '../../platform/db/orm';
import { isAppError, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { fileTools, type FileService, type FileToolName } from '../files';
import { capToolOutput } from './tool-output';
import type { ToolDefinition } from './tool-definition';
import { runWebSearch, webSearchTool } from './web-search';

export interface BuiltinToolResult {
  /** What the model is handed back, at most TOOL_RESULT_MAX_BYTES of UTF-8. */
  text: string;
  isError: boolean;
}

export interface BuiltinToolOptions {
  /** TOOL_RESULT_MAX_BYTES */
  resultMaxBytes: number;
  /** SEARXNG_URL: web_search asks this SearXNG instance instead of DuckDuckGo. */
  searxngUrl: string | null;
  /** WEB_SEARCH_DUCKDUCKGO_URL: DuckDuckGo's HTML endpoint, for tests and mirrors; null for the real one. */
  duckDuckGoUrl: string | null;
  /** WEB_SEARCH_TIMEOUT_MS */
  webSearchTimeoutMs: number;
}

const definitions: ToolDefinition[] = [...fileTools, webSearchTool];
const fileToolNames = new Set<string>(fileTools.map((tool) => tool.name));

export class BuiltinToolService {
  constructor(
    private readonly files: FileService,
    private readonly options: BuiltinToolOptions,
    private readonly logger: Logger,
  ) {}

  /** Each tool's name, description and JSON Schema, in the OpenAI function shape. */
  definitions(): ToolDefinition[] {
    return definitions;
  }

  has(name: string): boolean {
    return definitions.some((tool) => tool.name === name);
  }

  /** Runs a tool for a user with arguments as the model gave them. Rejects only when `signal` aborts. */
  async execute(em: EntityManager, userId: string, name: string, args: unknown, options: { signal?: AbortSignal } = {}): Promise<BuiltinToolResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    let result: BuiltinToolResult;
    try {
      result = { text: await this.run(em, userId, name, args, signal), isError: false };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isAppError(error)) this.logger.error({ err: error, userId, tool: name }, 'a built-in tool failed');
      result = { text: isAppError(error) ? error.message : `${name} failed because of an error in the server (the details are in its log).`, isError: true };
    }
    signal?.throwIfAborted();
    return { ...result, text: capToolOutput(result.text, this.options.resultMaxBytes).text };
  }

  private async run(em: EntityManager, userId: string, name: string, args: unknown, signal: AbortSignal | undefined): Promise<string> {
    if (fileToolNames.has(name)) return this.files.runTool(em, userId, name as FileToolName, args);
    if (name === webSearchTool.name) {
      const { searxngUrl, duckDuckGoUrl, webSearchTimeoutMs } = this.options;
      return (await runWebSearch(args, { searxngUrl, duckDuckGoUrl: duckDuckGoUrl ?? undefined, timeoutMs: webSearchTimeoutMs, signal })).text;
    }
    throw notFound(`Built-in tool "${name}"`);
  }
}
