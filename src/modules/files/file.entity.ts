import { BigIntType, Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { newId } from '../../platform/db/ids';

/** One file of a user's workspace, kept in step with its bytes on disk (named so as not to shadow Node's global File). */
@ObjectType('File', { description: "A file in the user's workspace: uploaded, or written by the agent's file tools (the same files)." })
@Entity({ tableName: 'file' })
@Unique({ properties: ['userId', 'pathKey'] })
@Index({ properties: ['userId', 'createdAt'] })
export class WorkspaceFile {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Kept when the content is replaced (an upload or file_save to the same path).' })
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @Property({ type: 'string', length: 36 })
  userId!: string;

  @Field({ description: 'Path inside the workspace, "/" between folders, e.g. "reports/2024/summary.md".' })
  @Property({ type: 'string', length: 1024 })
  path!: string;

  /** sha256 of the path: the unique key, compared byte for byte as the disk does (a 1024-character path is too long for a MySQL index). */
  @Property({ type: 'string', length: 64 })
  pathKey!: string;

  @Field(() => GraphQLSafeInt, { description: 'Size in bytes.' })
  @Property({ type: new BigIntType('number') })
  size!: number;

  @Field({ description: "Content type, from the file name's extension (application/octet-stream when unknown)." })
  @Property({ type: 'string', length: 255 })
  mimeType!: string;

  @Field({ description: "Hex SHA-256 of the content; also the download's ETag." })
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Field()
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Field({ description: 'When the content was last written.' })
  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
