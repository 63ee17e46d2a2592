// /api/v1/artifacts — upload (raw body, streamed to disk while hashing), list, inspect, delete.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { BlobTooLargeError } from '../../artifacts/blob-store.ts';
import { isValidName } from '../../domain/names.ts';
import { ARTIFACT_KINDS, type Artifact, type ArtifactKind } from '../../store/artifacts.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { NameParams, adminSchema } from '../schemas.ts';

const present = (a: Artifact, usedBy: string[]) => ({ ...a, usedBy });

export async function apiArtifactRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { stores, blobs, config, logger } = deps;

  // Artifact bodies are bytes of any type: hand the raw stream to the handler instead of parsing it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  // A reply sent before the upload was read to its end (refused up front, or cut off at the size limit) closes the
  // connection: on a keep-alive socket the unread rest of the body would be parsed as the next request and hang it.
  app.addHook('onSend', async (request, reply) => {
    if (!request.raw.complete) reply.header('connection', 'close');
  });

  app.get('/artifacts', { schema: adminSchema('artifacts', { summary: 'List artifacts with the profiles that use them' }) }, async () => {
    const usage = stores.artifacts.usageMap();
    return stores.artifacts.list().map((a) => present(a, usage.get(a.name) ?? []));
  });

  app.get('/artifacts/:name', { schema: adminSchema('artifacts', { params: NameParams }) }, async (request) => {
    const { name } = request.params as { name: string };
    const a = stores.artifacts.get(name);
    if (!a) throw new ApiError('not_found', `no artifact named ${name}`);
    return present(a, stores.artifacts.usedBy(name));
  });

  app.put('/artifacts/:name', {
    schema: adminSchema('artifacts', {
      summary: 'Upload or replace an artifact (raw request body)',
      params: NameParams,
      querystring: Type.Object({
        kind: Type.Union(ARTIFACT_KINDS.map((k) => Type.Literal(k))),
        arch: Type.Optional(Type.Union([Type.Literal('x86_64'), Type.Literal('arm64'), Type.Literal('riscv64')])),
      }, { additionalProperties: false }),
    }),
  }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const { kind, arch } = request.query as { kind: ArtifactKind; arch?: string };
    if (!isValidName(name)) throw new ApiError('validation_failed', 'artifact names use letters, digits, `.`, `_`, `-` and start with a letter or digit', 'name');
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > config.artifactMaxBytes) throw new ApiError('payload_too_large', `artifacts are limited to ${config.artifactMaxBytes} bytes`);
    if (!request.body) throw new ApiError('bad_request', 'the request body is the artifact: send its bytes');

    let stored: { sha256: string; size: number };
    try {
      stored = await blobs.ingest(request.body as NodeJS.ReadableStream as import('node:stream').Readable, config.artifactMaxBytes);
    } catch (err) {
      if (err instanceof BlobTooLargeError) throw new ApiError('payload_too_large', err.message);
      throw err;
    }
    const { artifact, previous } = stores.artifacts.put({ name, kind, arch: arch ?? null, size: stored.size, sha256: stored.sha256 });
    if (previous && previous.sha256 !== stored.sha256 && stores.artifacts.countBySha(previous.sha256) === 0) {
      await blobs.remove(previous.sha256).catch((err) => logger.warn({ err, sha256: previous.sha256 }, 'could not remove an orphaned blob'));
    }
    logger.info({ name, kind, size: stored.size, sha256: stored.sha256 }, previous ? 'artifact replaced' : 'artifact uploaded');
    return reply.code(previous ? 200 : 201).send(present(artifact, stores.artifacts.usedBy(name)));
  });

  app.delete('/artifacts/:name', { schema: adminSchema('artifacts', { params: NameParams }) }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const usedBy = stores.artifacts.usedBy(name);
    if (usedBy.length > 0) throw new ApiError('conflict', `artifact ${name} is used by profile(s): ${usedBy.join(', ')}`);
    const removed = stores.artifacts.delete(name);
    if (!removed) throw new ApiError('not_found', `no artifact named ${name}`);
    if (stores.artifacts.countBySha(removed.sha256) === 0) await blobs.remove(removed.sha256);
    return reply.code(204).send();
  });
}
