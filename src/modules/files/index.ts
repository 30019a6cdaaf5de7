// Files: each user's workspace on disk (FILES_DIR/<user id>/files), its File rows, GraphQL and the HTTP routes.
import type { Router } from 'express';
import type { RouteKit } from '../../platform/http/server';
import type { AccountService } from '../accounts';
import type { ModuleDeps } from '../index';
import { FileResolver } from './file.resolver';
import { fileRoutes } from './file.routes';
import { FileService, type FileToolName } from './file.service';
import { fileTools } from './file-tools';
import { LocalDiskStorage } from './local-disk-storage';

export { FileService, LocalDiskStorage, fileTools, type FileToolName };

export function createFilesModule({ config, logger, container }: ModuleDeps, accounts: AccountService) {
  // The app's one storage: the MCP module runs stdio servers in its workspaceDir(userId).
  const storage = new LocalDiskStorage({ root: config.files.dir });
  const files = new FileService(
    storage,
    { maxBytes: config.files.maxBytes, quotaBytes: config.files.quotaBytes, toolResultMaxBytes: config.tools.resultMaxBytes },
    logger,
  );
  container.set(LocalDiskStorage, storage).set(FileService, files);
  accounts.ownsUserData((em, userId) => files.deleteUserData(em, userId));
  return {
    storage,
    files,
    resolvers: [FileResolver],
    routes: (router: Router, kit: RouteKit) => fileRoutes(router, kit, files, config.corsOrigins),
  };
}
