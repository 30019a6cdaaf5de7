import { IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { ForwardPageArgs } from '../../platform/graphql/connection';
import { MAX_PATH_BYTES } from './workspace-path';

@ArgsType()
export class FilesArgs extends ForwardPageArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Only files whose path starts with this, compared exactly (case-sensitive, no wildcards), e.g. "reports/" for a folder.',
  })
  @IsOptional()
  @MaxLength(MAX_PATH_BYTES, { message: `must be at most ${MAX_PATH_BYTES} characters` })
  prefix?: string | null;
}
