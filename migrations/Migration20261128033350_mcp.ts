import { DualMigration } from '../src/platform/db/migration';

export class Migration20261128033350_mcp extends DualMigration {
  protected readonly sql = {
    "mysql": {
      "up": [
        "create table `mcp_server` (`id` varchar(36) not null, `user_id` varchar(36) not null, `name` varchar(100) not null, `name_key` varchar(100) not null, `description` text null, `transport` enum('STDIO', 'STREAMABLE_HTTP') not null, `command` varchar(1000) null, `args` text not null, `env_encrypted` text null, `url` varchar(2000) null, `headers_encrypted` text null, `enabled` tinyint(1) not null default true, `tool_approval` enum('NEVER', 'ALWAYS') not null default 'NEVER', `list_timeout_ms` int null, `call_timeout_ms` int null, `revision` int not null default 1, `created_at` datetime(3) not null, `updated_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB",
        "alter table `mcp_server` add unique `mcp_server_user_id_name_key_unique`(`user_id`, `name_key`)"
      ],
      "down": [
        "drop table if exists `mcp_server`"
      ]
    },
    "sqlite": {
      "up": [
        "create table `mcp_server` (`id` text not null, `user_id` text not null, `name` text not null, `name_key` text not null, `description` text null, `transport` text check (`transport` in ('STDIO', 'STREAMABLE_HTTP')) not null, `command` text null, `args` text not null, `env_encrypted` text null, `url` text null, `headers_encrypted` text null, `enabled` integer not null default true, `tool_approval` text check (`tool_approval` in ('NEVER', 'ALWAYS')) not null default 'NEVER', `list_timeout_ms` integer null, `call_timeout_ms` integer null, `revision` integer not null default 1, `created_at` datetime not null, `updated_at` datetime not null, primary key (`id`))",
        "create unique index `mcp_server_user_id_name_key_unique` on `mcp_server` (`user_id`, `name_key`)"
      ],
      "down": [
        "drop table if exists `mcp_server`"
      ]
    }
  };
}
