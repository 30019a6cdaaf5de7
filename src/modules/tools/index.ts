// Tools: the built-in tools the agent offers the model beside MCP tools.
import type { FileService } from '../files';
import type { ModuleDeps } from '../index';
import { BuiltinToolService, type BuiltinToolResult } from './builtin-tool.service';

export { BuiltinToolService, type BuiltinToolResult };

export function createToolsModule({ config, logger, container }: ModuleDeps, files: FileService) {
  const { resultMaxBytes, searxngUrl, duckDuckGoUrl, webSearchTimeoutMs } = config.tools;
  const tools = new BuiltinToolService(files, { resultMaxBytes, searxngUrl, duckDuckGoUrl, webSearchTimeoutMs }, logger);
  container.set(BuiltinToolService, tools);
  return { tools };
}
