import { DualMigration } from '../src/platform/db/migration';

export class Migration20261128025618_accounts extends DualMigration {
  protected readonly sql = {
    "mysql": {
      "up": [
        "create table `password_reset` (`id` varchar(36) not null, `user_id` varchar(36) not null, `token_hash` varchar(64) not null, `expires_at` datetime(3) not null, `used_at` datetime(3) null, `created_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB",
        "alter table `password_reset` add index `password_reset_user_id_index`(`user_id`)",
        "alter table `password_reset` add unique `password_reset_token_hash_unique`(`token_hash`)",
        "create table `refresh_token` (`id` varchar(36) not null, `user_id` varchar(36) not null, `family_id` varchar(36) not null, `token_hash` varchar(64) not null, `expires_at` datetime(3) not null, `used_at` datetime(3) null, `revoked_at` datetime(3) null, `created_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB",
        "alter table `refresh_token` add index `refresh_token_family_id_index`(`family_id`)",
        "alter table `refresh_token` add unique `refresh_token_token_hash_unique`(`token_hash`)",
        "alter table `refresh_token` add index `refresh_token_user_id_revoked_at_index`(`user_id`, `revoked_at`)",
        "create table `user` (`id` varchar(36) not null, `username` varchar(50) not null, `username_key` varchar(50) not null, `email` varchar(254) null, `email_key` varchar(254) null, `password_hash` varchar(255) not null, `role` enum('USER', 'ADMIN') not null default 'USER', `is_active` tinyint(1) not null default true, `token_version` int not null default 1, `created_at` datetime(3) not null, `updated_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB",
        "alter table `user` add unique `user_username_key_unique`(`username_key`)",
        "alter table `user` add unique `user_email_key_unique`(`email_key`)",
        "alter table `user` add index `user_is_active_index`(`is_active`)"
      ],
      "down": [
        "drop table if exists `password_reset`",
        "drop table if exists `refresh_token`",
        "drop table if exists `user`"
      ]
    },
    "sqlite": {
      "up": [
        "create table `password_reset` (`id` text not null, `user_id` text not null, `token_hash` text not null, `expires_at` datetime not null, `used_at` datetime null, `created_at` datetime not null, primary key (`id`))",
        "create index `password_reset_user_id_index` on `password_reset` (`user_id`)",
        "create unique index `password_reset_token_hash_unique` on `password_reset` (`token_hash`)",
        "create table `refresh_token` (`id` text not null, `user_id` text not null, `family_id` text not null, `token_hash` text not null, `expires_at` datetime not null, `used_at` datetime null, `revoked_at` datetime null, `created_at` datetime not null, primary key (`id`))",
        "create index `refresh_token_family_id_index` on `refresh_token` (`family_id`)",
        "create unique index `refresh_token_token_hash_unique` on `refresh_token` (`token_hash`)",
        "create index `refresh_token_user_id_revoked_at_index` on `refresh_token` (`user_id`, `revoked_at`)",
        "create table `user` (`id` text not null, `username` text not null, `username_key` text not null, `email` text null, `email_key` text null, `password_hash` text not null, `role` text check (`role` in ('USER', 'ADMIN')) not null default 'USER', `is_active` integer not null default true, `token_version` integer not null default 1, `created_at` datetime not null, `updated_at` datetime not null, primary key (`id`))",
        "create unique index `user_username_key_unique` on `user` (`username_key`)",
        "create unique index `user_email_key_unique` on `user` (`email_key`)",
        "create index `user_is_active_index` on `user` (`is_active`)"
      ],
      "down": [
        "drop table if exists `user`",
        "drop table if exists `refresh_token`",
        "drop table if exists `password_reset`"
      ]
    }
  };
}
