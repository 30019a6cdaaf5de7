// A migration holds the SQL MikroORM generated for each database it runs on (`npm run
// migration:create` writes both), so MySQL/MariaDB and SQLite get the same schema from one list.
import { Migration } from '@mikro-orm/migrations';
import { BaseSqlitePlatform } from '@mikro-orm/knex';

export interface DialectSql {
  up: string[];
  down: string[];
}

export abstract class DualMigration extends Migration {
  protected abstract readonly sql: { mysql: DialectSql; sqlite: DialectSql };

  private dialect(): DialectSql {
    return this.driver.getPlatform() instanceof BaseSqlitePlatform ? this.sql.sqlite : this.sql.mysql;
  }

  override up(): void {
    for (const statement of this.dialect().up) this.addSql(statement);
  }

  override down(): void {
    for (const statement of this.dialect().down) this.addSql(statement);
  }
}
