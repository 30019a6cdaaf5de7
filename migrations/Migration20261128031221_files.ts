import { DualMigration } from '../src/platform/db/migration';

export class Migration20261128031221_files extends DualMigration {
  protected readonly sql = {
    "mysql": {
      "up": [
        "create table `file` (`id` varchar(36) not null, `user_id` varchar(36) not null, `path` varchar(1024) not null, `path_key` varchar(64) not null, `size` bigint not null, `mime_type` varchar(255) not null, `sha256` varchar(64) not null, `created_at` datetime(3) not null, `updated_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB",
        "alter table `file` add index `file_user_id_created_at_index`(`user_id`, `created_at`)",
        "alter table `file` add unique `file_user_id_path_key_unique`(`user_id`, `path_key`)"
      ],
      "down": [
        "drop table if exists `file`"
      ]
    },
    "sqlite": {
      "up": [
        "create table `file` (`id` text not null, `user_id` text not null, `path` text not null, `path_key` text not null, `size` bigint not null, `mime_type` text not null, `sha256` text not null, `created_at` datetime not null, `updated_at` datetime not null, primary key (`id`))",
        "create index `file_user_id_created_at_index` on `file` (`user_id`, `created_at`)",
        "create unique index `file_user_id_path_key_unique` on `file` (`user_id`, `path_key`)"
      ],
      "down": [
        "drop table if exists `file`"
      ]
    }
  };
}
