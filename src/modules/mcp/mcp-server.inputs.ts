// What clients send to create and change server configs. Shapes and sizes are checked here; the
// rules across fields (transport needs, who may run commands, env and header maps) in the service.
import { ArrayMaxSize, IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType, Int } from 'type-graphql';
import { McpTransport, ToolApproval } from './mcp-server.entity';

const LIST_TIMEOUT_RANGE = { min: 100, max: 600_000 };
const CALL_TIMEOUT_RANGE = { min: 100, max: 3_600_000 };
const MAX_ARGS = 100;

/** Several property decorators as one: the same checks on both inputs. */
const rules =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };
const nameRules = () => Length(1, 100, { message: 'must be 1 to 100 characters' });
const optionalText = (max: number) => rules(IsOptional(), MaxLength(max, { message: `must be at most ${max} characters` }));
const argsRules = () =>
  rules(
    IsOptional(),
    ArrayMaxSize(MAX_ARGS, { message: `must be at most ${MAX_ARGS} arguments` }),
    MaxLength(4000, { each: true, message: 'must each be at most 4000 characters' }),
  );
const timeoutRules = (range: { min: number; max: number }) => {
  const message = `must be from ${range.min} to ${range.max} ms`;
  return rules(IsOptional(), Min(range.min, { message }), Max(range.max, { message }));
};

@InputType()
export class CreateMcpServerInput {
  @Field({ description: 'Unique among your servers, without regard to case.' })
  @nameRules()
  name!: string;

  @Field(() => String, { nullable: true })
  @optionalText(1000)
  description?: string | null;

  @Field(() => McpTransport)
  transport!: McpTransport;

  @Field(() => String, { nullable: true, description: 'STDIO: the command to run (admins, or a command listed in MCP_STDIO_ALLOWED_COMMANDS).' })
  @optionalText(1000)
  command?: string | null;

  @Field(() => [String], { nullable: true, description: "STDIO: the command's arguments." })
  @argsRules()
  args?: string[] | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "STDIO: environment variables for the server's process, as string values. Never returned." })
  env?: unknown;

  @Field(() => String, { nullable: true, description: 'STREAMABLE_HTTP: the endpoint, e.g. https://mcp.example.com/mcp.' })
  @optionalText(2000)
  url?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'STREAMABLE_HTTP: headers sent with every request, as string values. Never returned.' })
  headers?: unknown;

  @Field({ defaultValue: true })
  enabled!: boolean;

  @Field(() => ToolApproval, { defaultValue: ToolApproval.NEVER })
  toolApproval!: ToolApproval;

  @Field(() => Int, { nullable: true, description: 'How long connecting and listing tools may take; default MCP_LIST_TIMEOUT_MS.' })
  @timeoutRules(LIST_TIMEOUT_RANGE)
  listTimeoutMs?: number | null;

  @Field(() => Int, { nullable: true, description: 'How long a tool call may take; default MCP_CALL_TIMEOUT_MS.' })
  @timeoutRules(CALL_TIMEOUT_RANGE)
  callTimeoutMs?: number | null;
}

@InputType({ description: 'Only the fields given change; env and headers are replaced whole ({} or null removes them).' })
export class UpdateMcpServerInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @nameRules()
  name?: string | null;

  @Field(() => String, { nullable: true })
  @optionalText(1000)
  description?: string | null;

  @Field(() => McpTransport, { nullable: true, description: "Switching drops the other transport's settings." })
  transport?: McpTransport | null;

  @Field(() => String, { nullable: true })
  @optionalText(1000)
  command?: string | null;

  @Field(() => [String], { nullable: true })
  @argsRules()
  args?: string[] | null;

  @Field(() => GraphQLJSON, { nullable: true })
  env?: unknown;

  @Field(() => String, { nullable: true })
  @optionalText(2000)
  url?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  headers?: unknown;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => ToolApproval, { nullable: true })
  toolApproval?: ToolApproval | null;

  @Field(() => Int, { nullable: true, description: 'null returns to the default.' })
  @timeoutRules(LIST_TIMEOUT_RANGE)
  listTimeoutMs?: number | null;

  @Field(() => Int, { nullable: true, description: 'null returns to the default.' })
  @timeoutRules(CALL_TIMEOUT_RANGE)
  callTimeoutMs?: number | null;
}
