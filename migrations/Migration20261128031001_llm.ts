import { DualMigration } from '../src/platform/db/migration';

export class Migration20261128031001_llm extends DualMigration {
  protected readonly sql = {
    "mysql": {
      "up": [
        "create table `llm_config` (`id` varchar(36) not null, `user_id` varchar(36) not null, `name` varchar(100) not null, `name_key` varchar(100) not null, `provider` varchar(10) not null default 'CUSTOM', `model_name` varchar(200) not null, `base_url` varchar(2048) not null, `api_key_encrypted` text null, `api_key_hint` varchar(4) null, `max_tokens` int null, `temperature` double null, `top_p` double null, `timeout_ms` int null, `text_tool_calls` tinyint(1) not null default false, `default_for_user` varchar(36) null, `created_at` datetime(3) not null, `updated_at` datetime(3) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB",
        "alter table `llm_config` add unique `llm_config_default_for_user_unique`(`default_for_user`)",
        "alter table `llm_config` add unique `llm_config_user_id_name_key_unique`(`user_id`, `name_key`)"
      ],
      "down": [
        "drop table if exists `llm_config`"
      ]
    },
    "sqlite": {
      "up": [
        "create table `llm_config` (`id` text not null, `user_id` text not null, `name` text not null, `name_key` text not null, `provider` text not null default 'CUSTOM', `model_name` text not null, `base_url` text not null, `api_key_encrypted` text null, `api_key_hint` text null, `max_tokens` integer null, `temperature` double null, `top_p` double null, `timeout_ms` integer null, `text_tool_calls` integer not null default false, `default_for_user` text null, `created_at` datetime not null, `updated_at` datetime not null, primary key (`id`))",
        "create unique index `llm_config_default_for_user_unique` on `llm_config` (`default_for_user`)",
        "create unique index `llm_config_user_id_name_key_unique` on `llm_config` (`user_id`, `name_key`)"
      ],
      "down": [
        "drop table if exists `llm_config`"
      ]
    }
  };
}
