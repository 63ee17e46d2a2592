CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_name_unique` ON `api_tokens` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `artifacts` (
	`name` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`arch` text,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `artifacts_sha256` ON `artifacts` (`sha256`);--> statement-breakpoint
CREATE TABLE `boot_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`mac` text NOT NULL,
	`profile` text NOT NULL,
	`created_at` integer NOT NULL,
	`client_ip` text,
	`kernel_cmdline` text NOT NULL,
	`extra_args` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`reads` integer DEFAULT 0 NOT NULL,
	`max_reads` integer NOT NULL,
	`bind_ip` integer NOT NULL,
	`ended_at` integer,
	`outcome` text,
	FOREIGN KEY (`mac`) REFERENCES `machines`(`mac`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `boot_sessions_token_hash_unique` ON `boot_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `boot_sessions_mac_created` ON `boot_sessions` (`mac`,`created_at`);--> statement-breakpoint
CREATE INDEX `boot_sessions_client_ip` ON `boot_sessions` (`client_ip`,`created_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mac` text,
	`session_id` text,
	`type` text NOT NULL,
	`ip` text,
	`at` integer NOT NULL,
	`detail` text,
	FOREIGN KEY (`mac`) REFERENCES `machines`(`mac`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_mac_id` ON `events` (`mac`,`id`);--> statement-breakpoint
CREATE TABLE `machines` (
	`mac` text PRIMARY KEY NOT NULL,
	`name` text,
	`profile` text,
	`state` text NOT NULL,
	`kernel_args` text,
	`b2c` text,
	`variables` text,
	`pxe_bootfile` text,
	`last_seen_at` integer,
	`last_seen_ip` text,
	`arch` text,
	`platform` text,
	`uuid` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `machines_state` ON `machines` (`state`);--> statement-breakpoint
CREATE INDEX `machines_profile` ON `machines` (`profile`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`name` text PRIMARY KEY NOT NULL,
	`kernel` text NOT NULL,
	`initramfs` text NOT NULL,
	`spec` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `profiles_kernel` ON `profiles` (`kernel`);--> statement-breakpoint
CREATE INDEX `profiles_initramfs` ON `profiles` (`initramfs`);