// Every migration, in order. `npm run migration:create -- <name>` writes a new one and lists it here.
import type { MigrationObject } from '@mikro-orm/core';

export const migrationsList: MigrationObject[] = [];
