// Token counts for providers that report none: about 4 characters a token, OpenAI's rule of thumb for
// English. The prompt counts every message's text and tool-call arguments plus the tools' JSON; the
// completion counts the answer's text and its tool calls' names and arguments.
import type { AssistantTurn, ChatRequest, LlmUsage } from './llm.types';

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

function messageText(message: ChatRequest['messages'][number]): string {
  const { content } = message;
  let text = typeof content === 'string' ? content : '';
  if (Array.isArray(content)) for (const part of content) if ('text' in part && typeof part.text === 'string') text += part.text;
  if ('tool_calls' in message && message.tool_calls) {
    for (const call of message.tool_calls) if (call.type === 'function') text += call.function.name + call.function.arguments;
  }
  return text;
}

export function estimateUsage(request: ChatRequest, turn: AssistantTurn): LlmUsage {
  const prompt = request.messages.map(messageText).join('') + (request.tools?.length ? JSON.stringify(request.tools) : '');
  const completion = turn.content + turn.toolCalls.map((call) => call.name + call.arguments).join('');
  const promptTokens = estimateTokens(prompt);
  const completionTokens = estimateTokens(completion);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
}
