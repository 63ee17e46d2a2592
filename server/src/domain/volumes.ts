// b2c volumes and the S3 alias they mirror through (DESIGN §4, §6): one `b2c.minio` line when the server has an
// S3 gateway, then one `b2c.volume="NAME,option,…"` line per volume. Every volume of a machine lives at
// `BUCKET/machines/<machex>/NAME`, so names are plain identifiers and placeholders are not filled here.
import { checkSpecField, quoted, refuse } from './b2c-values.ts';
import type { S3Access } from './cmdline.ts';
import type { VolumeCondition, VolumeSpec } from './types.ts';

/** A podman volume name that is also one safe S3 path segment. */
export const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** b2c's sync conditions: `changes` runs `mcli mirror --watch` for the whole pipeline. */
export const VOLUME_CONDITIONS: readonly VolumeCondition[] = ['pipeline_start', 'container_start', 'container_end', 'pipeline_end', 'changes'];
const EXPIRATIONS = ['never', 'pipeline_end'];

/**
 * Document lines for `volumes`. Without S3 access a volume is local (kept in the cache partition between
 * boots unless it expires) and its mirror options are dropped; they are still validated, so whether a profile
 * is valid does not depend on the server's S3 configuration.
 */
export function volumeLines(volumes: VolumeSpec[], s3: S3Access | null): string[] {
  const seen = new Set<string>();
  const specs = volumes.map((v, i) => {
    const spec = volumeSpec(v, `volumes[${i}]`, s3);
    if (seen.has(v.name)) refuse(`volumes[${i}].name`, `volume "${v.name}" is defined twice`);
    seen.add(v.name);
    return quoted('b2c.volume', spec, `volumes[${i}]`);
  });
  if (s3 === null || specs.length === 0) return specs;
  return [minioLine(s3), ...specs];
}

function volumeSpec(v: VolumeSpec, field: string, s3: S3Access | null): string {
  if (typeof v.name !== 'string' || !VOLUME_NAME.test(v.name)) {
    refuse(`${field}.name`, 'a volume name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  const conditions = (key: 'pullOn' | 'pushOn', param: string): string[] => {
    const list = v[key] ?? [];
    list.forEach((c, j) => {
      if (!VOLUME_CONDITIONS.includes(c)) refuse(`${field}.${key}[${j}]`, `unknown condition "${c}" (use ${VOLUME_CONDITIONS.join(', ')})`);
    });
    return list.length === 0 ? [] : [`${param}=${list.join('|')}`];
  };
  const excludes = (v.exclude ?? []).map((glob, j) => {
    checkSpecField(glob, `${field}.exclude[${j}]`, true);
    return `exclude=${glob}`;
  });
  const mirror = [
    ...conditions('pullOn', 'pull_on'),
    ...conditions('pushOn', 'push_on'),
    ...(v.overwrite === true ? ['overwrite'] : []),
    ...(v.remove === true ? ['remove'] : []),
    ...(v.preserve === true ? ['preserve'] : []),
    ...excludes,
  ];
  if (v.expiration !== undefined && !EXPIRATIONS.includes(v.expiration)) {
    refuse(`${field}.expiration`, `unknown expiration "${v.expiration}" (use ${EXPIRATIONS.join(' or ')})`);
  }
  const expiration = v.expiration === undefined ? [] : [`expiration=${v.expiration}`];
  if (s3 === null) return [v.name, ...expiration].join(',');
  return [v.name, `mirror=${s3.alias}/${s3.bucket}/${s3.prefix}/${v.name}`, ...mirror, ...expiration].join(',');
}

/** `mcli alias set ALIAS URL ACCESS SECRET`, which b2c builds by replacing the commas with spaces. */
function minioLine(s3: S3Access): string {
  for (const key of ['alias', 'url', 'accessKey', 'secretKey', 'bucket'] as const) checkSpecField(s3[key], `s3.${key}`);
  s3.prefix.split('/').forEach((segment) => checkSpecField(segment, 's3.prefix'));
  return quoted('b2c.minio', [s3.alias, s3.url, s3.accessKey, s3.secretKey].join(','), 's3');
}
