// The tables are the single source of truth (STYLE §12): migrations/ is generated from this file by drizzle-kit
// and never edited by hand. Times are integer milliseconds; JSON columns hold plain documents the domain owns.
import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type { B2cOptions, ProfileSpec } from '../domain/types.ts';

const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull();
const updatedAt = () => integer('updated_at', { mode: 'timestamp_ms' }).notNull();

export const artifacts = sqliteTable('artifacts', {
  name: text('name').primaryKey(),
  kind: text('kind', { enum: ['kernel', 'initramfs', 'ipxe', 'other'] }).notNull(),
  arch: text('arch'),
  size: integer('size').notNull(),
  sha256: text('sha256').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('artifacts_sha256').on(t.sha256)]);

/** A profile is a document (the pipeline); kernel/initramfs are columns so "which profiles use this artifact" is a query. */
export const profiles = sqliteTable('profiles', {
  name: text('name').primaryKey(),
  kernel: text('kernel').notNull(),
  initramfs: text('initramfs').notNull(),
  spec: text('spec', { mode: 'json' }).$type<ProfileSpec>().notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('profiles_kernel').on(t.kernel), index('profiles_initramfs').on(t.initramfs)]);

export const machines = sqliteTable('machines', {
  mac: text('mac').primaryKey(),
  name: text('name'),
  // No FK: a profile can be deleted only when unused (checked by the store), and a discovered machine may name none.
  profile: text('profile'),
  state: text('state', { enum: ['discovered', 'ready', 'disabled'] }).notNull(),
  kernelArgs: text('kernel_args'),
  b2c: text('b2c', { mode: 'json' }).$type<B2cOptions>(),
  variables: text('variables', { mode: 'json' }).$type<Record<string, string>>(),
  /** TFTP boot file override for this machine's firmware (e.g. snponly.efi instead of ipxe.efi). */
  pxeBootfile: text('pxe_bootfile'),
  lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }),
  lastSeenIp: text('last_seen_ip'),
  arch: text('arch'),
  platform: text('platform'),
  uuid: text('uuid'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('machines_state').on(t.state), index('machines_profile').on(t.profile)]);

/**
 * One per rendered per-machine script. The extra document's token is stored hashed; the document itself is stored
 * with the S3 secret left out (a slot filled from the master key when served), so the database holds no secret.
 */
export const bootSessions = sqliteTable('boot_sessions', {
  id: text('id').primaryKey(),
  mac: text('mac').notNull().references(() => machines.mac, { onDelete: 'cascade' }),
  profile: text('profile').notNull(),
  createdAt: createdAt(),
  clientIp: text('client_ip'),
  kernelCmdline: text('kernel_cmdline').notNull(),
  extraArgs: text('extra_args').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  reads: integer('reads').notNull().default(0),
  maxReads: integer('max_reads').notNull(),
  bindIp: integer('bind_ip', { mode: 'boolean' }).notNull(),
  endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
  outcome: text('outcome'),
}, (t) => [
  index('boot_sessions_mac_created').on(t.mac, t.createdAt),
  index('boot_sessions_client_ip').on(t.clientIp, t.createdAt),
  // Every boot ends the machine's open session: find it without walking the machine's whole history.
  index('boot_sessions_open').on(t.mac).where(sql`${t.endedAt} IS NULL`),
]);

export const events = sqliteTable('events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  // Nullable: a TFTP transfer from an IP no boot session knows yet still belongs in the log.
  mac: text('mac').references(() => machines.mac, { onDelete: 'cascade' }),
  sessionId: text('session_id'),
  type: text('type').notNull(),
  ip: text('ip'),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
}, (t) => [index('events_mac_id').on(t.mac, t.id)]);

export const apiTokens = sqliteTable('api_tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  role: text('role', { enum: ['admin', 'viewer'] }).notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: createdAt(),
  lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
});
