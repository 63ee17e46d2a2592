// docker-compose.yml cannot run here (no Docker engine), so it is checked as data: its services, ports and
// env against the server's real config names and schema, and its MinIO wiring against itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONFIG_DEFAULTS, type Config, envName, loadConfig } from '../../server/src/config.ts';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string[] | string;
  healthcheck?: unknown;
}
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { netboot, minio, 'minio-init': init } = compose.services;

/** Compose interpolation of `${VAR:-default}` and `${VAR:?message}`, with test values for the required ones. */
function interpolate(v: string, given: Record<string, string>): string {
  return v.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string, arg: string) => {
    if (given[name] !== undefined) return given[name];
    if (op === '-') return arg;
    throw new Error(`compose requires ${name}: ${arg}`);
  });
}
const GIVEN = { NETBOOT_PUBLIC_URL: 'http://192.168.1.10:8080', MINIO_ROOT_PASSWORD: 'root-secret', NETBOOT_S3_BACKEND_SECRET_KEY: 'netboot-secret' };
const env = Object.fromEntries(Object.entries(netboot.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), GIVEN)]));

test('services: the server, MinIO and a one-shot init it waits for', () => {
  assert.deepEqual(Object.keys(compose.services).sort(), ['minio', 'minio-init', 'netboot']);
  assert.equal(netboot.build, '.');
  assert.equal(netboot.depends_on?.['minio-init']?.condition, 'service_completed_successfully');
  assert.equal(init.depends_on?.minio?.condition, 'service_healthy');
  assert.ok(minio.healthcheck);
});

test('every NETBOOT_* variable is a real config name and the whole env passes the config schema', () => {
  const known = new Set((Object.keys(CONFIG_DEFAULTS) as Array<keyof Config>).map(envName));
  for (const k of Object.keys(env)) assert.ok(known.has(k), `${k} is not a config variable`);
  for (const k of ['NETBOOT_DATA_DIR', 'NETBOOT_PUBLIC_URL', 'NETBOOT_S3_PORT', 'NETBOOT_S3_BACKEND_URL', 'NETBOOT_S3_BACKEND_ACCESS_KEY', 'NETBOOT_S3_BACKEND_SECRET_KEY', 'NETBOOT_S3_BUCKET']) {
    assert.ok(env[k], `${k} is set`);
  }
  const config = loadConfig(env);
  assert.equal(config.s3BackendUrl, 'http://minio:9000');
  assert.throws(() => interpolate(netboot.environment!.NETBOOT_PUBLIC_URL, {}), /NETBOOT_PUBLIC_URL/);
});

test('published ports match the configured listeners; MinIO stays private', () => {
  const config = loadConfig(env);
  const ports = netboot.ports ?? [];
  assert.ok(ports.includes(`${config.httpPort}:${config.httpPort}`), 'HTTP published');
  assert.ok(ports.includes(`${config.s3Port}:${config.s3Port}`), 'S3 gateway published');
  assert.ok(ports.includes(`${config.tftpPort}:${config.tftpPort}/udp`), 'TFTP published');
  assert.equal(minio.ports, undefined);
});

test('the backend URL, bucket and credentials are the ones MinIO and the init create', () => {
  const config = loadConfig(env);
  const url = new URL(config.s3BackendUrl!);
  assert.equal(url.hostname, 'minio');
  assert.ok((minio.command as string[]).join(' ').includes(`--address :${url.port}`));
  const initEnv = Object.fromEntries(Object.entries(init.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), GIVEN)]));
  assert.equal(initEnv.BUCKET, config.s3Bucket);
  assert.equal(initEnv.USER, config.s3BackendAccessKey);
  assert.equal(initEnv.NETBOOT_S3_BACKEND_SECRET_KEY, config.s3BackendSecretKey);
  const script = (init.command as string[]).join('\n');
  assert.match(script, /mc mb --ignore-existing "local\/\$\$BUCKET"/);
  assert.match(script, /mc admin user add local "\$\$USER"/);
});

test('persistent volumes: server data dir and MinIO data', () => {
  const config = loadConfig(env);
  assert.ok(netboot.volumes?.includes(`netboot-data:${config.dataDir}`));
  assert.ok(minio.volumes?.includes('minio-data:/data'));
  assert.deepEqual(Object.keys(compose.volumes).sort(), ['minio-data', 'netboot-data']);
});
