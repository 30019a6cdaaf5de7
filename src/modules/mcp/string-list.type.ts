// A list of strings stored as JSON in a text column. Not a JSON column: MariaDB's JSON is a LONGTEXT
// its driver hands back unparsed, so a text column is what reads the same on MySQL, MariaDB and SQLite.
import { Type } from '@mikro-orm/core';

export class StringListType extends Type<string[], string> {
  override convertToDatabaseValue(value: string[]): string {
    return JSON.stringify(value);
  }

  override convertToJSValue(value: string | string[]): string[] {
    return Array.isArray(value) ? value : (JSON.parse(value) as string[]);
  }

  override getColumnType(): string {
    return 'text';
  }
}
