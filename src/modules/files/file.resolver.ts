import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../platform/graphql/context';
import { connectionType, type Connection } from '../../platform/graphql/connection';
import { WorkspaceFile } from './file.entity';
import { FilesArgs } from './file.inputs';
import { FileService } from './file.service';

const FileConnection = connectionType(WorkspaceFile, 'File');

@Resolver(() => WorkspaceFile)
export class FileResolver {
  constructor(private readonly fileService: FileService) {}

  @Authorized()
  @Query(() => FileConnection, {
    description:
      "The user's workspace files, newest first (by when each path was first written): uploads and the files the agent's tools wrote. " +
      'Upload with POST /files and the bearer token: multipart/form-data with optional fields `path` (a path ending in "/" is a folder that keeps ' +
      'the file part\'s name; default: that name; folders are made) and `overwrite` (default true), then one file part. A file already at the path ' +
      'is replaced and keeps its id (200), unless overwrite=false (409); a new one answers 201. Over FILES_MAX_BYTES or the quota: 413, nothing kept. ' +
      'Download with GET downloadUrl and the same token.',
  })
  files(@Args() args: FilesArgs, @Ctx() ctx: Context): Promise<Connection<WorkspaceFile>> {
    return this.fileService.list(ctx.em, ctx.user!.userId, args, args.prefix);
  }

  @Authorized()
  @Query(() => WorkspaceFile, { nullable: true })
  file(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WorkspaceFile | null> {
    return this.fileService.find(ctx.em, ctx.user!.userId, id);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes the file from the workspace, for the agent too.' })
  async deleteFile(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.fileService.delete(ctx.em, ctx.user!.userId, id);
    return true;
  }

  @FieldResolver(() => String, {
    description: 'GET it with the bearer token for the bytes (Range supported). Relative to this server: resolve it against the URL of /graphql.',
  })
  downloadUrl(@Root() file: WorkspaceFile): string {
    return this.fileService.downloadUrl(file);
  }
}
