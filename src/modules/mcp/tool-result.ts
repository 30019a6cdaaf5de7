// What a tool call hands back to the model: every content block as text, capped in bytes.
import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';
import { capToolOutput } from '../tools/tool-output';

export const DEFAULT_TOOL_RESULT_MAX_BYTES = 100 * 1024;

export interface ToolResultText {
  text: string;
  isError: boolean;
  /** How many bytes of the full text were cut to fit the cap (0 when nothing was cut). */
  cutBytes: number;
}

export function toolResultText(result: CallToolResult, maxBytes = DEFAULT_TOOL_RESULT_MAX_BYTES): ToolResultText {
  const isError = result.isError === true;
  const parts = result.content.map(blockText);
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  const full = parts.length > 0 ? parts.join('\n') : isError ? 'The tool failed without saying why.' : 'The tool returned no content.';
  return { ...capToolOutput(full, maxBytes), isError };
}

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type}: ${block.mimeType}, ${base64Bytes(block.data)} bytes, not shown]`;
    case 'resource': {
      const { resource } = block;
      if ('text' in resource) return `[resource ${resource.uri}]\n${resource.text}`;
      return `[resource ${resource.uri}: ${resource.mimeType ?? 'binary'}, ${base64Bytes(resource.blob)} bytes, not shown]`;
    }
    case 'resource_link':
      return `[resource link ${block.uri}: ${block.name}${block.description ? ` (${block.description})` : ''}]`;
  }
}

const base64Bytes = (data: string): number => Buffer.byteLength(data, 'base64');
