// GET|HEAD /artifacts/:name — kernels and initramfs for machines. iPXE is far slower without Content-Length, and
// resumable clients need Range, so both are always there; the ETag is the content hash.
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { NetbootEventType } from '../../events.ts';
import { isValidName } from '../../domain/names.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { etagFor, etagMatches, parseRange } from '../byte-range.ts';

/** Disk path (first download, or cache off): 1 MiB reads mean fewer syscalls and event-loop turns per file than the 64 KiB default. */
const READ_CHUNK = 1024 * 1024;

const EVENT_BY_KIND: Record<string, NetbootEventType> = { kernel: 'kernel', initramfs: 'initrd' };

export async function artifactFileRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { stores, blobs, bus, metrics } = deps;

  app.route({
    method: ['GET', 'HEAD'],
    url: '/artifacts/:name',
    handler: async (request, reply) => {
      const { name } = request.params as { name: string };
      if (!isValidName(name)) throw new ApiError('bad_request', 'invalid artifact name', 'name');
      const artifact = stores.artifacts.get(name);
      if (!artifact) {
        bus.publish({ type: 'error', ip: request.ip, detail: { reason: 'artifact-missing', name } });
        throw new ApiError('not_found', `no artifact named ${name}`);
      }
      const etag = etagFor(artifact.sha256);
      reply.header('etag', etag)
        .header('last-modified', artifact.updatedAt.toUTCString())
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'no-cache')
        .type('application/octet-stream');
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();

      const ifRange = request.headers['if-range'];
      const range = ifRange && ifRange !== etag ? { kind: 'full' as const } : parseRange(request.headers.range, artifact.size);
      if (range.kind === 'unsatisfiable') {
        reply.header('content-range', `bytes */${artifact.size}`);
        throw new ApiError('range_not_satisfiable', `range not satisfiable for ${artifact.size} bytes`);
      }
      const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, artifact.size - 1];
      const length = artifact.size === 0 ? 0 : end - start + 1;
      if (range.kind === 'partial') reply.code(206).header('content-range', `bytes ${start}-${end}/${artifact.size}`);
      reply.header('content-length', length);
      if (request.method === 'HEAD' || length === 0) return reply.send();

      const started = Date.now();
      const path = blobs.pathFor(artifact.sha256);
      reply.raw.once('close', () => {
        const complete = reply.raw.writableFinished;
        if (complete) metrics.artifactBytes.inc({ protocol: 'http' }, length);
        bus.publish({
          type: EVENT_BY_KIND[artifact.kind] ?? 'artifact', ip: request.ip,
          detail: { name, bytes: length, complete, range: range.kind === 'partial' ? `${start}-${end}` : null, ms: Date.now() - started },
        });
      });
      const hot = blobs.hot?.get(artifact.sha256);
      if (hot) return reply.send(hot.subarray(start, end + 1));
      blobs.hot?.warm(artifact.sha256, path, artifact.size); // the next machine gets it from memory
      return reply.send(createReadStream(path, { start, end, highWaterMark: READ_CHUNK }));
    },
  });
}
