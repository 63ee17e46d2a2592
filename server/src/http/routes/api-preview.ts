// POST /api/v1/preview — render an unsaved profile (and optional machine draft) exactly as a boot would: the web
// UI's live preview and kernel-line byte counter, and a dry run for scripts.
import type { FastifyInstance } from 'fastify';
import { previewBoot, toBootMachine } from '../../boot/plan.ts';
import { normalizeMac } from '../../domain/mac.ts';
import { validateMachineForProfile, validateProfile } from '../../domain/profile-rules.ts';
import type { B2cOptions, ProfileSpec } from '../../domain/types.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { bootEndpointsFor } from '../public-url.ts';
import { PreviewBody, adminSchema } from '../schemas.ts';
import { exampleExtraArgsUrl } from './examples.ts';
import { previewResponse } from './preview-response.ts';

/** A preview with no machine uses this one: a locally administered MAC no NIC ships with. */
const EXAMPLE_MAC = '02:00:00:00:00:01';

interface Draft {
  profile: Omit<ProfileSpec, 'name'> & { name?: string };
  machine?: { mac?: string; name?: string | null; kernelArgs?: string | null; b2c?: B2cOptions | null; variables?: Record<string, string> | null };
}

export async function apiPreviewRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // POST, but it writes nothing: viewers may use it too.
  app.post('/preview', { schema: adminSchema('preview', { summary: 'Render an unsaved profile and machine', body: PreviewBody }), config: { readOnly: true } }, async (request) => {
    const draft = request.body as Draft;
    const profile = { ...draft.profile, name: draft.profile.name ?? 'preview' } as ProfileSpec;
    const problem = validateProfile(profile);
    if (problem) throw new ApiError('validation_failed', problem.message, problem.field);
    const m = draft.machine ?? {};
    const mac = m.mac === undefined ? EXAMPLE_MAC : normalizeMac(m.mac);
    if (!mac) throw new ApiError('invalid_mac', `not a MAC address: ${JSON.stringify(m.mac)}`, 'machine.mac');
    const machine = toBootMachine({ mac, name: m.name ?? null, kernelArgs: m.kernelArgs ?? null, b2c: m.b2c ?? null, variables: m.variables ?? null });
    if (draft.machine) {
      // The same check PUT /machines runs, so a draft's own values (an unused variable too) are judged alike.
      // Its fields are relative to the machine, or `profile.X` when the profile breaks with this machine's values.
      const bad = validateMachineForProfile(profile, machine, exampleExtraArgsUrl(request, deps.config.publicUrl));
      if (bad) {
        const field = bad.field.startsWith('profile.') ? bad.field.slice('profile.'.length) : `machine.${bad.field}`;
        throw new ApiError('validation_failed', bad.message, field);
      }
    }
    const planned = previewBoot(profile, machine, bootEndpointsFor(request, deps));
    if (!planned.ok) throw new ApiError('validation_failed', planned.error.message, planned.error.field);
    return previewResponse(planned.plan);
  });
}
