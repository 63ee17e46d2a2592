// /api/v1/profiles — the pipelines. Every save is checked the way a boot would use it (DESIGN §5: refuse at save
// time, never at boot): b2c/iPXE value rules, the artifacts it names, and every machine already using it.
import type { FastifyInstance } from 'fastify';
import { isValidName } from '../../domain/names.ts';
import { validateMachineForProfile, validateProfile } from '../../domain/profile-rules.ts';
import type { ProfileSpec } from '../../domain/types.ts';
import { toBootMachine } from '../../boot/plan.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { NameParams, ProfileBody, ProfileUpdateBody, adminSchema } from '../schemas.ts';
import { exampleExtraArgsUrl } from './examples.ts';

export async function apiProfileRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { stores } = deps;

  /** Throws the first problem as a 400 naming the field. */
  function check(spec: ProfileSpec, extraArgsUrl: string): void {
    const problem = validateProfile(spec);
    if (problem) throw new ApiError('validation_failed', problem.message, problem.field);
    for (const field of ['kernel', 'initramfs'] as const) {
      const ref = spec[field];
      if (/^https?:\/\//.test(ref)) continue;
      if (!isValidName(ref) || !stores.artifacts.get(ref)) {
        throw new ApiError('validation_failed', `no artifact named ${JSON.stringify(ref)} (upload it first, or give an http(s) URL)`, field);
      }
    }
    if (deps.config.unknown === `profile:${spec.name}`) {
      // The default profile also boots machines nobody has named or configured yet.
      const bad = validateMachineForProfile(spec, { mac: '02:00:00:00:00:01', name: null }, extraArgsUrl);
      if (bad) throw new ApiError('validation_failed', `as the default profile for unknown machines (no name, no variables): ${bad.message}`, bad.field.replace(/^profile\./, ''));
    }
    const isDefault = deps.config.unknown === `profile:${spec.name}`;
    for (const m of stores.machines.list().filter((m) => m.profile === spec.name || (isDefault && m.profile === null && m.state !== 'disabled'))) {
      const bad = validateMachineForProfile(spec, toBootMachine(m), extraArgsUrl);
      if (bad) throw new ApiError('validation_failed', `machine ${m.mac} (${m.name ?? 'unnamed'}): ${bad.message}`, bad.field);
    }
  }

  app.get('/profiles', { schema: adminSchema('profiles', { summary: 'List profiles' }) }, async () => stores.profiles.list());

  app.get('/profiles/:name', { schema: adminSchema('profiles', { params: NameParams }) }, async (request) => {
    const { name } = request.params as { name: string };
    const p = stores.profiles.get(name);
    if (!p) throw new ApiError('not_found', `no profile named ${name}`);
    return p;
  });

  app.post('/profiles', { schema: adminSchema('profiles', { summary: 'Create a profile', body: ProfileBody }) }, async (request, reply) => {
    const spec = request.body as ProfileSpec;
    check(spec, exampleExtraArgsUrl(request, deps.config.publicUrl));
    const created = stores.profiles.create(spec);
    if (!created) throw new ApiError('conflict', `a profile named ${spec.name} already exists`, 'name');
    return reply.code(201).header('location', `/api/v1/profiles/${spec.name}`).send(created);
  });

  app.put('/profiles/:name', { schema: adminSchema('profiles', { summary: 'Replace a profile', params: NameParams, body: ProfileUpdateBody }) }, async (request) => {
    const { name } = request.params as { name: string };
    const body = request.body as Partial<ProfileSpec>;
    if (body.name !== undefined && body.name !== name) throw new ApiError('validation_failed', 'the body names another profile; profiles cannot be renamed', 'name');
    if (!stores.profiles.get(name)) throw new ApiError('not_found', `no profile named ${name}`);
    const spec = { ...body, name } as ProfileSpec;
    check(spec, exampleExtraArgsUrl(request, deps.config.publicUrl));
    const updated = stores.profiles.update(spec);
    if (!updated) throw new ApiError('not_found', `no profile named ${name}`);
    return updated;
  });

  app.delete('/profiles/:name', { schema: adminSchema('profiles', { params: NameParams }) }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const users = stores.profiles.machineCount(name);
    if (users > 0) throw new ApiError('conflict', `profile ${name} is assigned to ${users} machine(s)`);
    if (deps.config.unknown === `profile:${name}`) throw new ApiError('conflict', `profile ${name} is the default for unknown machines (NETBOOT_UNKNOWN)`);
    if (!stores.profiles.delete(name)) throw new ApiError('not_found', `no profile named ${name}`);
    return reply.code(204).send();
  });
}
