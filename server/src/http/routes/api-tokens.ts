// /api/v1/whoami, /api/v1/info and /api/v1/tokens — who is calling, what this server offers, and token management.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { KERNEL_CMDLINE_LIMITS } from '../../domain/cmdline.ts';
import type { Role } from '../../store/tokens.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { requestBaseUrl } from '../public-url.ts';
import { NameParams, adminSchema } from '../schemas.ts';

export async function apiTokenRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { stores, config } = deps;

  app.get('/whoami', { schema: adminSchema('tokens', { summary: 'The calling token' }) }, async (request) => request.principal);

  app.get('/info', { schema: adminSchema('server', { summary: 'Version, public URL, enabled services, kernel line limits' }) }, async (request) => ({
    version: deps.version,
    publicUrl: requestBaseUrl(request, config.publicUrl),
    features: { tftp: deps.tftpListening(), s3: deps.s3 !== null },
    unknownMachines: config.unknown,
    kernelCmdlineLimits: KERNEL_CMDLINE_LIMITS,
  }));

  app.get('/tokens', { schema: adminSchema('tokens', { summary: 'List tokens (never their values)' }) }, async (request) => {
    if (request.principal?.role !== 'admin') throw new ApiError('forbidden', 'only admins list tokens');
    return stores.tokens.list();
  });

  app.post('/tokens', {
    schema: adminSchema('tokens', {
      summary: 'Create a token; its value is in this response only',
      body: Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }), role: Type.Union([Type.Literal('admin'), Type.Literal('viewer')]) }, { additionalProperties: false }),
    }),
  }, async (request, reply) => {
    const { name, role } = request.body as { name: string; role: Role };
    const created = stores.tokens.create(name, role);
    if (!created) throw new ApiError('conflict', `a token named ${name} already exists`, 'name');
    return reply.code(201).send({ ...created.info, token: created.token });
  });

  app.delete('/tokens/:name', { schema: adminSchema('tokens', { params: NameParams }) }, async (request, reply) => {
    const { name } = request.params as { name: string };
    if (!stores.tokens.delete(name)) throw new ApiError('not_found', `no token named ${name}`);
    return reply.code(204).send();
  });
}
