// TypeBox schemas of the admin API. They mirror domain/types.ts (the domain owns the shapes; these only check the
// JSON structure). Rules that need thought — quoting, lengths, iPXE safety — live in domain/profile-rules.ts.
import { Type, type TSchema } from 'typebox';
import { NAME_PATTERN } from '../domain/names.ts';

const Name = Type.String({ pattern: NAME_PATTERN, description: 'letters, digits, `.`, `_`, `-`; starts with a letter or digit' });
const Condition = Type.Union(['pipeline_start', 'container_start', 'container_end', 'pipeline_end', 'changes'].map((c) => Type.Literal(c)));
const Str = (max: number) => Type.String({ maxLength: max });
const StringList = (maxItems: number, maxLength: number) => Type.Array(Str(maxLength), { maxItems });

export const B2cOptionsSchema = Type.Object({
  ntpPeer: Type.Optional(Str(255)),
  cacheDevice: Type.Optional(Str(255)),
  swap: Type.Optional(Str(255)),
  hostname: Type.Optional(Str(255)),
  iface: Type.Optional(StringList(16, 255)),
  filesystem: Type.Optional(StringList(16, 255)),
  insmods: Type.Optional(Str(1024)),
  poweroffDelay: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
  extra: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_.]{0,63}$' }), Str(4096))),
}, { additionalProperties: false });

export const VolumeSchema = Type.Object({
  name: Str(64),
  pullOn: Type.Optional(Type.Array(Condition, { maxItems: 5 })),
  pushOn: Type.Optional(Type.Array(Condition, { maxItems: 5 })),
  overwrite: Type.Optional(Type.Boolean()),
  remove: Type.Optional(Type.Boolean()),
  preserve: Type.Optional(Type.Boolean()),
  exclude: Type.Optional(StringList(32, 255)),
  expiration: Type.Optional(Type.Union([Type.Literal('never'), Type.Literal('pipeline_end')])),
}, { additionalProperties: false });

const profileFields = {
  description: Type.Optional(Str(1024)),
  kernel: Type.String({ minLength: 1, maxLength: 2048, description: 'artifact name or absolute http(s) URL' }),
  initramfs: Type.String({ minLength: 1, maxLength: 2048, description: 'artifact name or absolute http(s) URL' }),
  arch: Type.Optional(Type.Union([Type.Literal('x86_64'), Type.Literal('arm64'), Type.Literal('riscv64')])),
  containers: Type.Array(Str(65536), { maxItems: 64, description: 'one b2c stage each: podman-create args, image, command' }),
  postContainers: Type.Optional(Type.Array(Str(65536), { maxItems: 64 })),
  services: Type.Optional(Type.Array(Str(65536), { maxItems: 64 })),
  pipefail: Type.Optional(Type.Boolean()),
  volumes: Type.Optional(Type.Array(VolumeSchema, { maxItems: 32 })),
  b2c: Type.Optional(B2cOptionsSchema),
  kernelArgs: Type.Optional(Str(4096)),
  b2cDialect: Type.Optional(Type.Union([Type.Literal('run'), Type.Literal('container')])),
};

export const ProfileBody = Type.Object({ name: Name, ...profileFields }, { additionalProperties: false });
/** PUT /profiles/:name: the name comes from the URL; a body `name` must agree. */
export const ProfileUpdateBody = Type.Object({ name: Type.Optional(Name), ...profileFields }, { additionalProperties: false });

export const MachineBody = Type.Object({
  mac: Type.Optional(Str(64)),
  name: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' }), Type.Null()])),
  profile: Type.Optional(Type.Union([Name, Type.Null()])),
  state: Type.Optional(Type.Union([Type.Literal('discovered'), Type.Literal('ready'), Type.Literal('disabled')])),
  kernelArgs: Type.Optional(Type.Union([Str(4096), Type.Null()])),
  b2c: Type.Optional(Type.Union([B2cOptionsSchema, Type.Null()])),
  variables: Type.Optional(Type.Union([Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), Str(4096)), Type.Null()])),
  pxeBootfile: Type.Optional(Type.Union([Name, Type.Null()])),
}, { additionalProperties: false });

export const PreviewBody = Type.Object({
  profile: Type.Object({ name: Type.Optional(Name), ...profileFields }, { additionalProperties: false }),
  machine: Type.Optional(Type.Omit(MachineBody, ['profile', 'state', 'pxeBootfile'])),
}, { additionalProperties: false });

export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) });

export const NameParams = Type.Object({ name: Type.String({ maxLength: 256 }) });
export const MacParams = Type.Object({ mac: Type.String({ maxLength: 64 }) });

/** Shared route-schema helper: OpenAPI tags and the error responses every admin route can give. */
export function adminSchema<T extends Record<string, unknown>>(tag: string, schema: T): T & { tags: string[]; security: Array<Record<string, string[]>> } {
  return { ...schema, tags: [tag], security: [{ bearer: [] }] };
}

export type { TSchema };
