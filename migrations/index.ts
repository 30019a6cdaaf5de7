// Every migration, in order. Written by `npm run migration:create`.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128025618_accounts } from './Migration20261128025618_accounts';
import { Migration20261128031001_llm } from './Migration20261128031001_llm';
import { Migration20261128031221_files } from './Migration20261128031221_files';
import { Migration20261128033350_mcp } from './Migration20261128033350_mcp';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261128025618_accounts', class: Migration20261128025618_accounts },
  { name: 'Migration20261128031001_llm', class: Migration20261128031001_llm },
  { name: 'Migration20261128031221_files', class: Migration20261128031221_files },
  { name: 'Migration20261128033350_mcp', class: Migration20261128033350_mcp },
];
