// What the API says about a server beyond its config: its tools, its state, a connection test.
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum McpServerState {
  UNKNOWN = 'UNKNOWN',
  OK = 'OK',
  ERROR = 'ERROR',
  DISABLED = 'DISABLED',
}
registerEnumType(McpServerState, {
  name: 'McpServerState',
  description: 'OK: its tools were listed; ERROR: it could not be reached or refused (see error); DISABLED: not connected to; UNKNOWN: not checked yet.',
});

@ObjectType({ description: 'A tool an MCP server offers, as its tools/list gives it.' })
export class McpTool {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => GraphQLJSON, { description: "The JSON Schema of the tool's arguments." })
  inputSchema!: Record<string, unknown>;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Hints such as readOnlyHint and destructiveHint.' })
  annotations!: Record<string, unknown> | null;
}

@ObjectType({ description: 'How the last contact with the server went.' })
export class McpServerStatus {
  @Field(() => McpServerState)
  state!: McpServerState;

  @Field(() => String, { nullable: true, description: 'Why the server could not be used, when state is ERROR.' })
  error!: string | null;

  @Field(() => Date, { nullable: true })
  checkedAt!: Date | null;
}

@ObjectType({ description: 'The outcome of connecting afresh to a server: an unreachable server is ok: false with the reason.' })
export class McpServerTest {
  @Field()
  ok!: boolean;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String, { nullable: true })
  serverName!: string | null;

  @Field(() => String, { nullable: true })
  serverVersion!: string | null;

  @Field(() => Int, { nullable: true })
  toolCount!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;
}
