// /healthz (is the database answering?) and /metrics (Prometheus text).
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';

export async function healthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    try {
      deps.db.get(sql`SELECT 1`);
      return { status: 'ok', version: deps.version };
    } catch (err) {
      deps.logger.error({ err }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable', message: 'database not answering' });
    }
  });

  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
}
