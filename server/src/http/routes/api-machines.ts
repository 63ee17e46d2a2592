// /api/v1/machines — register, assign, override, disable; plus what the next boot would get and what past boots did.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { previewBoot, toBootMachine } from '../../boot/plan.ts';
import { normalizeMac } from '../../domain/mac.ts';
import { validateMachineForProfile } from '../../domain/profile-rules.ts';
import type { MachineState } from '../../domain/types.ts';
import type { MachinePatch } from '../../store/machines.ts';
import type { BootSession } from '../../store/sessions.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { MacParams, MachineBody, adminSchema } from '../schemas.ts';
import { exampleExtraArgsUrl } from './examples.ts';
import { bootEndpointsFor } from '../public-url.ts';
import { previewResponse } from './preview-response.ts';

function macParam(raw: string): string {
  const mac = normalizeMac(raw);
  if (!mac) throw new ApiError('invalid_mac', `not a MAC address: ${JSON.stringify(raw)} (use aa:bb:cc:dd:ee:ff, aa-bb-…, or aabbccddeeff)`, 'mac');
  return mac;
}

/** Sessions as the API shows them: never the token hash. */
const presentSession = (s: BootSession) => ({
  id: s.id, profile: s.profile, createdAt: s.createdAt, clientIp: s.clientIp, kernelCmdline: s.kernelCmdline,
  expiresAt: s.expiresAt, extraArgsReads: s.reads, maxReads: s.maxReads, endedAt: s.endedAt, outcome: s.outcome,
});

export async function apiMachineRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { stores } = deps;

  const machineOr404 = (raw: string) => {
    const mac = macParam(raw);
    const m = stores.machines.getWithLastBoot(mac);
    if (!m) throw new ApiError('not_found', `no machine ${mac}`);
    return m;
  };

  app.get('/machines', {
    schema: adminSchema('machines', {
      querystring: Type.Object({ state: Type.Optional(Type.Union([Type.Literal('discovered'), Type.Literal('ready'), Type.Literal('disabled')])) }, { additionalProperties: false }),
    }),
  }, async (request) => stores.machines.list((request.query as { state?: MachineState }).state));

  app.get('/machines/:mac', { schema: adminSchema('machines', { params: MacParams }) }, async (request) =>
    machineOr404((request.params as { mac: string }).mac));

  app.put('/machines/:mac', { schema: adminSchema('machines', { summary: 'Create or update a machine', params: MacParams, body: MachineBody }) }, async (request, reply) => {
    const mac = macParam((request.params as { mac: string }).mac);
    const body = request.body as MachinePatch & { mac?: string };
    if (body.mac !== undefined && normalizeMac(body.mac) !== mac) throw new ApiError('validation_failed', 'the body names another MAC than the URL', 'mac');
    const { mac: _ignored, ...patch } = body;
    const existing = stores.machines.get(mac);

    const profileName = patch.profile !== undefined ? patch.profile : existing?.profile ?? null;
    // Assigning a profile to a discovered machine is what makes it bootable (the inbox's one click).
    if (patch.profile && patch.state === undefined && (!existing || existing.state === 'discovered')) patch.state = 'ready';
    const state = patch.state ?? existing?.state ?? 'discovered';
    if (state === 'ready' && !profileName) throw new ApiError('validation_failed', 'a ready machine needs a profile', 'state');

    // Without a profile of its own, a machine that may boot gets NETBOOT_UNKNOWN's default profile: its overrides
    // must render with that one too, or the refusal would come at boot instead of now.
    const fallback = deps.config.unknown.startsWith('profile:') && state !== 'disabled' ? deps.config.unknown.slice('profile:'.length) : null;
    const checkedName = profileName ?? fallback;
    const profile = checkedName ? stores.profiles.get(checkedName) : null;
    if (profileName && !profile) throw new ApiError('validation_failed', `no profile named ${profileName}`, 'profile');
    if (profile) {
      const merged = toBootMachine({
        mac,
        name: patch.name !== undefined ? patch.name : existing?.name ?? null,
        kernelArgs: patch.kernelArgs !== undefined ? patch.kernelArgs : existing?.kernelArgs ?? null,
        b2c: patch.b2c !== undefined ? patch.b2c : existing?.b2c ?? null,
        variables: patch.variables !== undefined ? patch.variables : existing?.variables ?? null,
      });
      const bad = validateMachineForProfile(profile, merged, exampleExtraArgsUrl(request, deps.config.publicUrl));
      if (bad) throw new ApiError('validation_failed', bad.message, bad.field);
    }
    const { created } = stores.machines.upsert(mac, patch);
    return reply.code(created ? 201 : 200).send(stores.machines.getWithLastBoot(mac));
  });

  app.delete('/machines/:mac', { schema: adminSchema('machines', { params: MacParams }) }, async (request, reply) => {
    const mac = macParam((request.params as { mac: string }).mac);
    if (!stores.machines.delete(mac)) throw new ApiError('not_found', `no machine ${mac}`);
    return reply.code(204).send();
  });

  app.get('/machines/:mac/preview', { schema: adminSchema('machines', { summary: 'What the next boot would get (secrets redacted)', params: MacParams }) }, async (request) => {
    const m = machineOr404((request.params as { mac: string }).mac);
    if (!m.profile) throw new ApiError('conflict', `machine ${m.mac} has no profile: it would wait and retry`);
    const profile = stores.profiles.get(m.profile);
    if (!profile) throw new ApiError('conflict', `machine ${m.mac} names a missing profile ${m.profile}`);
    const planned = previewBoot(profile, toBootMachine(m), bootEndpointsFor(request, deps));
    if (!planned.ok) throw new ApiError('validation_failed', planned.error.message, planned.error.field);
    return previewResponse(planned.plan);
  });

  app.get('/machines/:mac/sessions', {
    schema: adminSchema('machines', { params: MacParams, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }) }),
  }, async (request) => {
    const m = machineOr404((request.params as { mac: string }).mac);
    return stores.sessions.listForMachine(m.mac, (request.query as { limit?: number }).limit ?? 50).map(presentSession);
  });

  app.get('/machines/:mac/events', {
    schema: adminSchema('machines', {
      summary: 'Boot timeline, newest first',
      params: MacParams,
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), before: Type.Optional(Type.Integer({ minimum: 1 })) }),
    }),
  }, async (request) => {
    const m = machineOr404((request.params as { mac: string }).mac);
    const q = request.query as { limit?: number; before?: number };
    return stores.events.listForMachine(m.mac, q.limit ?? 200, q.before);
  });
}
