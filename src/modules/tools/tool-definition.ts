// A built-in tool as offered to the model (the OpenAI function shape), and the one way its
// arguments are checked: a zod schema that is also the source of the JSON Schema the model sees.
import { z } from 'zod';
import { badInput } from '../../platform/errors';

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12 subset the OpenAI function format accepts), `additionalProperties: false`. */
  parameters: Record<string, unknown>;
}

export function defineTool(name: string, description: string, schema: z.ZodObject): ToolDefinition {
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(schema);
  return { name, description, parameters };
}

/** Parses a tool's arguments or throws BAD_USER_INPUT naming each bad field (the model reads it). */
export function parseToolArguments<T extends z.ZodObject>(schema: T, args: unknown): z.infer<T> {
  const parsed = schema.safeParse(args ?? {}, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined),
  });
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] = 'is not a parameter of this tool';
    } else {
      fields[issue.path.join('.') || 'arguments'] ??= issue.message;
    }
  }
  throw badInput(fields);
}
