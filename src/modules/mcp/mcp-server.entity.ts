import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../../platform/db/ids';
import { StringListType } from './string-list.type';

export enum McpTransport {
  STDIO = 'STDIO',
  STREAMABLE_HTTP = 'STREAMABLE_HTTP',
}
registerEnumType(McpTransport, {
  name: 'McpTransport',
  description: 'STDIO runs a command on this host and talks over its stdin/stdout; STREAMABLE_HTTP reaches a URL.',
});

export enum ToolApproval {
  NEVER = 'NEVER',
  ALWAYS = 'ALWAYS',
}
registerEnumType(ToolApproval, { name: 'ToolApproval', description: "Whether the agent asks the user before each call of this server's tools." });

/** A user's MCP server config. Env values and headers are stored encrypted and never leave the server. */
@ObjectType({ description: 'An MCP server a user has configured; its tools are listed live from the server.' })
@Entity({ tableName: 'mcp_server' })
@Unique({ properties: ['userId', 'nameKey'] })
export class McpServer {
  [OptionalProps]?:
    | 'id'
    | 'description'
    | 'command'
    | 'args'
    | 'envEncrypted'
    | 'url'
    | 'headersEncrypted'
    | 'enabled'
    | 'toolApproval'
    | 'listTimeoutMs'
    | 'callTimeoutMs'
    | 'revision'
    | 'createdAt'
    | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  /** Indexed as the first column of the unique (userId, nameKey). */
  @Property({ type: 'string', length: 36 })
  userId!: string;

  @Field()
  @Property({ type: 'string', length: 100 })
  name!: string;

  /** The name lowercased: names are unique per user without regard to case. */
  @Property({ type: 'string', length: 100 })
  nameKey!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Field(() => McpTransport)
  @Enum({ items: () => McpTransport, type: 'string', length: 20 })
  transport!: McpTransport;

  @Field(() => String, { nullable: true, description: 'STDIO: the command run on this host.' })
  @Property({ type: 'string', length: 1000, nullable: true })
  command: string | null = null;

  @Field(() => [String], { description: "STDIO: the command's arguments." })
  @Property({ type: StringListType })
  args: string[] = [];

  /** STDIO: the child's own environment variables, encrypted JSON. */
  @Property({ type: 'text', nullable: true, hidden: true })
  envEncrypted: string | null = null;

  @Field(() => String, { nullable: true, description: 'STREAMABLE_HTTP: the endpoint.' })
  @Property({ type: 'string', length: 2000, nullable: true })
  url: string | null = null;

  /** STREAMABLE_HTTP: headers sent with every request, encrypted JSON. */
  @Property({ type: 'text', nullable: true, hidden: true })
  headersEncrypted: string | null = null;

  @Field({ description: 'Disabled servers are not connected to and offer no tools.' })
  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Field(() => ToolApproval)
  @Enum({ items: () => ToolApproval, type: 'string', length: 10 })
  toolApproval: ToolApproval = ToolApproval.NEVER;

  @Field(() => Int, { nullable: true, description: 'How long connecting and listing tools may take; null for the default.' })
  @Property({ type: 'integer', nullable: true })
  listTimeoutMs: number | null = null;

  @Field(() => Int, { nullable: true, description: 'How long a tool call may take; null for the default.' })
  @Property({ type: 'integer', nullable: true })
  callTimeoutMs: number | null = null;

  /** Raised on every change, so a live client of an older revision is never used again. */
  @Property({ type: 'integer' })
  revision: number = 1;

  @Field()
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Field()
  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field({ description: 'Whether environment variables are set (their values are never returned).' })
  get hasEnv(): boolean {
    return this.envEncrypted !== null;
  }

  @Field({ description: 'Whether headers are set (their values are never returned).' })
  get hasHeaders(): boolean {
    return this.headersEncrypted !== null;
  }
}
