// One typed config, validated once (STYLE §5). Every setting has an environment variable (DESIGN §8) and a
// `b2c-netboot serve` flag derived from it mechanically: NETBOOT_HTTP_PORT ⇄ --http-port. A bad value stops the
// process with a message naming the variable. Only main.ts/cli.ts call loadConfig; everything else gets values.
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });
const OptionalString = Type.Union([Type.String({ minLength: 1 }), Type.Null()]);

export const ConfigSchema = Type.Object({
  dataDir: Type.String({ minLength: 1 }),
  httpHost: Type.String({ minLength: 1 }),
  httpPort: Port,
  /** Base URL machines use to reach us; null = derive from each request's Host header. */
  publicUrl: Type.Union([Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' }), Type.Null()]),
  adminToken: Type.Union([Type.String({ minLength: 16 }), Type.Null()]),
  /** Unknown MACs: wait and re-chain, boot a default profile, or exit to the next boot device. */
  unknown: Type.String({ pattern: '^(retry|exit|profile:[A-Za-z0-9][A-Za-z0-9._-]*)$' }),
  /** Seconds an unknown or not-yet-assigned machine waits before asking again. */
  retrySeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  extraArgsTtl: Type.Integer({ minimum: 10, maximum: 86400 }),
  extraArgsMaxReads: Type.Integer({ minimum: 1, maximum: 100 }),
  extraArgsBindIp: Type.Boolean(),
  /** Boot-route requests per second per client IP (0 = no limit); bursts of 5 s worth are allowed. */
  bootRateLimit: Type.Number({ minimum: 0 }),
  tftpHost: Type.String({ minLength: 1 }),
  tftpPort: Port,
  /** Directory of iPXE binaries for TFTP; null = Debian's /usr/lib/ipxe when present, else `ipxe` artifacts. */
  ipxeDir: OptionalString,
  tftpBlksizeCap: Type.Integer({ minimum: 512, maximum: 65464 }),
  s3Host: Type.String({ minLength: 1 }),
  s3Port: Port,
  s3PublicUrl: Type.Union([Type.String({ pattern: '^https?://[^\\s/,]+/?$' }), Type.Null()]),
  s3BackendUrl: Type.Union([Type.String({ pattern: '^https?://' }), Type.Null()]),
  s3BackendAccessKey: OptionalString,
  s3BackendSecretKey: OptionalString,
  s3BackendRegion: Type.String({ minLength: 1 }),
  s3Bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' }),
  /** Lifetime of a boot session's S3 credentials: long pipelines push at their end. */
  s3SessionTtl: Type.Integer({ minimum: 60 }),
  s3BindIp: Type.Boolean(),
  /** Master key for S3 secrets (hex, ≥ 32 bytes); null = generated once into DATA_DIR/master.key (0600). */
  masterKey: Type.Union([Type.String({ pattern: '^[0-9a-fA-F]{64,}$' }), Type.Null()]),
  /** Largest artifact accepted by PUT /api/v1/artifacts (bytes). */
  artifactMaxBytes: Type.Integer({ minimum: 1 }),
  /** Memory for copies of the artifacts being served (bytes, 0 = off): every booting machine reads the same few. */
  artifactCacheBytes: Type.Integer({ minimum: 0 }),
  /** Largest JSON body on the admin API (bytes): profiles are small documents. */
  jsonBodyLimit: Type.Integer({ minimum: 1024 }),
  logLevel: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')]),
});

export type Config = Static<typeof ConfigSchema>;

export const CONFIG_DEFAULTS: Config = {
  dataDir: './data',
  httpHost: '0.0.0.0',
  httpPort: 8080,
  publicUrl: null,
  adminToken: null,
  unknown: 'retry',
  retrySeconds: 30,
  extraArgsTtl: 600, // 10 min: b2c fetches the document seconds after the script; a stolen URL dies fast
  extraArgsMaxReads: 3, // b2c reads it once; allow a retry or two on a flaky link
  extraArgsBindIp: false,
  bootRateLimit: 20, // a boot is ~5 requests; 20/s with a 100-request burst never slows a real machine
  tftpHost: '0.0.0.0',
  tftpPort: 69,
  ipxeDir: null,
  tftpBlksizeCap: 65464, // RFC 2348's maximum; lower it for paths with a small MTU and broken fragmentation
  s3Host: '0.0.0.0',
  s3Port: 9000,
  s3PublicUrl: null,
  s3BackendUrl: null,
  s3BackendAccessKey: null,
  s3BackendSecretKey: null,
  s3BackendRegion: 'us-east-1',
  s3Bucket: 'b2c-netboot',
  s3SessionTtl: 24 * 3600,
  s3BindIp: false,
  masterKey: null,
  artifactMaxBytes: 8 * 1024 ** 3,
  artifactCacheBytes: 256 * 1024 ** 2, // a few profiles' kernel + initramfs (~20-40 MB each)
  jsonBodyLimit: 1024 * 1024,
  logLevel: 'info',
};

/** NETBOOT_ + SNAKE_CASE(key): s3BackendUrl → NETBOOT_S3_BACKEND_URL (the DESIGN §8 names). */
export function envName(key: keyof Config): string {
  return 'NETBOOT_' + key.replace(/[A-Z]/g, (m) => '_' + m).toUpperCase();
}

export function flagName(key: keyof Config): string {
  return '--' + envName(key).replace(/^NETBOOT_/, '').toLowerCase().replace(/_/g, '-');
}

export class ConfigError extends Error {}

/** Secrets are read from the environment only: flags show up in `ps`. */
const SECRET_KEYS = new Set<keyof Config>(['adminToken', 's3BackendSecretKey', 'masterKey']);

export function loadConfig(env: NodeJS.ProcessEnv, argv: string[] = [], base: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = { ...CONFIG_DEFAULTS, ...base };
  const keys = Object.keys(CONFIG_DEFAULTS) as (keyof Config)[];
  const sources = new Map<keyof Config, string>();
  for (const key of keys) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') {
      raw[key] = value;
      sources.set(key, envName(key));
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = keys.find((k) => flagName(k) === flag);
    if (!key) throw new ConfigError(`unknown option ${flag} (see --help)`);
    if (SECRET_KEYS.has(key)) throw new ConfigError(`${flag}: secrets are read from ${envName(key)} only`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    raw[key] = value;
    sources.set(key, flag);
  }
  const converted = Value.Convert(ConfigSchema, raw) as Record<string, unknown>;
  for (const key of keys) if (converted[key] === 'null') converted[key] = null;
  const errors = [...Value.Errors(ConfigSchema, converted)];
  if (errors.length > 0) {
    const e = errors[0]!;
    const key = e.instancePath.replace(/^\//, '') as keyof Config;
    const source = sources.get(key) ?? envName(key);
    throw new ConfigError(`${source}: ${e.message} (got ${JSON.stringify(SECRET_KEYS.has(key) ? '***' : raw[key])})`);
  }
  return converted as Config;
}

export function configHelp(): string {
  const keys = Object.keys(CONFIG_DEFAULTS) as (keyof Config)[];
  return keys
    .map((k) => `  ${flagName(k).padEnd(26)} ${envName(k).padEnd(32)} default ${JSON.stringify(CONFIG_DEFAULTS[k])}`)
    .join('\n');
}
