// Builds the HTTP application without listening (STYLE §2): main.ts listens, tests `inject` into this same app.
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import swaggerUi from '@fastify/swagger-ui';
import type { AppDeps } from './deps.ts';
import { createAuthHook } from './auth.ts';
import { ApiError } from './errors.ts';
import { TokenBuckets } from './rate-limit.ts';
import { bootRoutes } from './routes/boot.ts';
import { artifactFileRoutes } from './routes/artifact-files.ts';
import { apiArtifactRoutes } from './routes/api-artifacts.ts';
import { apiProfileRoutes } from './routes/api-profiles.ts';
import { apiMachineRoutes } from './routes/api-machines.ts';
import { apiPreviewRoutes } from './routes/api-preview.ts';
import { apiTokenRoutes } from './routes/api-tokens.ts';
import { healthRoutes } from './routes/health.ts';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ service: 'http' }),
    // Requests are logged at debug: a boot storm must not write a line per script at info.
    logController: new LogController({ disableRequestLogging: deps.config.logLevel !== 'debug' && deps.config.logLevel !== 'trace' }),
    bodyLimit: deps.config.jsonBodyLimit,
    trustProxy: false,
    // find-my-way's default (100) is shorter than the names the schemas accept (128) and the params they bound
    // (NameParams: 256): a valid 101-character name could be created but never fetched or deleted.
    routerOptions: { maxParamLength: 256 },
    // Errors the router raises before any route runs (bad %-encoding, over-long parameter) keep the API's shape.
    frameworkErrors: (error, _request, reply) => void (reply as FastifyReply).code(400).send(new ApiError('bad_request', error.message).toJSON()),
  });

  // JSON bodies are checked strictly: fastify's default coercion would store `"containers": "img"` as ["img"] or
  // `"pipefail": "yes"`… as given. Query strings and params are text, so they are coerced to the schema's types.
  const bodyAjv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: false, allErrors: false });
  const textAjv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: 'array', allErrors: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send(error.toJSON());
    if (error.validation) {
      const first = error.validation[0];
      const field = first ? fieldPath(first.instancePath, (first.params as { missingProperty?: string; additionalProperty?: string })) : undefined;
      const where = error.validationContext ?? 'request';
      const message = `${where}${field ? `.${field}` : ''} ${first?.message ?? 'is invalid'}`;
      const mac = where === 'params' && field === 'mac';
      return reply.code(400).send(new ApiError(mac ? 'invalid_mac' : 'validation_failed', message, field).toJSON());
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.code(413).send(new ApiError('payload_too_large', `request body is larger than ${deps.config.jsonBodyLimit} bytes`).toJSON());
    if (status === 415) return reply.code(415).send(new ApiError('unsupported_media_type', error.message).toJSON());
    if (status >= 400 && status < 500) return reply.code(status).send({ error: 'bad_request', message: error.message });
    // A failure is never reported as "not found" and never with its stack: generic answer, details in the log.
    deps.metrics.errors.inc({ where: 'http' });
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(new ApiError('internal', 'internal error; see the server log').toJSON());
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(new ApiError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`).toJSON()));

  await app.register(swagger, {
    openapi: {
      info: { title: 'b2c-netboot', version: deps.version, description: 'Netboot provisioning for boot2container machines' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(async (boot) => {
    if (deps.config.bootRateLimit > 0) {
      const buckets = new TokenBuckets(deps.config.bootRateLimit, deps.config.bootRateLimit * 5);
      boot.addHook('onRequest', async (request, reply) => {
        const verdict = buckets.take(request.ip);
        if (!verdict.ok) {
          deps.metrics.errors.inc({ where: 'rate-limit' });
          reply.header('retry-after', verdict.retryAfterS);
          throw new ApiError('too_many_requests', `too many requests from ${request.ip}; retry in ${verdict.retryAfterS} s`);
        }
      });
    }
    await bootRoutes(boot, deps);
    await artifactFileRoutes(boot, deps);
  });
  await app.register(async (health) => healthRoutes(health, deps));

  const authenticate = createAuthHook(deps.stores.tokens, deps.config.adminToken);
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate);
    await api.register(async (scoped) => apiArtifactRoutes(scoped, deps)); // own content-type parsers
    await apiProfileRoutes(api, deps);
    await apiMachineRoutes(api, deps);
    await apiPreviewRoutes(api, deps);
    await apiTokenRoutes(api, deps);
    if (deps.plugins?.volumes) await api.register(deps.plugins.volumes);
  }, { prefix: '/api/v1' });

  if (deps.plugins?.ui) await app.register(deps.plugins.ui);
  // pino's Logger and fastify's base logger type differ only in generics; the instance is the same.
  return app as unknown as FastifyInstance;
}

/** AJV's `/containers/1` (+ missing property) → `containers[1]`, the JSON path style of our `field`. */
function fieldPath(instancePath: string, params: { missingProperty?: string; additionalProperty?: string }): string | undefined {
  const parts = instancePath.split('/').filter(Boolean);
  const extra = params.missingProperty ?? params.additionalProperty;
  if (extra) parts.push(extra);
  if (parts.length === 0) return undefined;
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}
