// /api/v1/machines/:mac/volumes — browse, back up (tar stream), restore or seed (tar stream in) and wipe a
// machine's volumes in the S3 backend. Registered by main.ts under /api/v1 (auth hook already applied).
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { macHex } from '../../domain/credentials.ts';
import { isValidName } from '../../domain/names.ts';
import type { VolumeService } from '../../s3/volumes.ts';
import { VolumeBackendError, VolumeRestoreError } from '../../s3/volumes.ts';
import { ApiError } from '../errors.ts';
import { MacParams, adminSchema } from '../schemas.ts';

export interface VolumeRouteDeps {
  volumes: Pick<VolumeService, 'list' | 'listObjects' | 'archive' | 'restore' | 'wipe'>;
  machineExists(mac: string): boolean;
  normalizeMac(s: string): string | null;
}

type Params = { mac: string; name?: string };

export function apiVolumeRoutes(deps: VolumeRouteDeps): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // Archives are raw tar bytes of any declared type: hand the stream to the handler.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    // Refused before the body was read: close, or the unread tar would be parsed as the next request.
    app.addHook('onSend', async (request, reply) => {
      if (!request.raw.complete) reply.header('connection', 'close');
    });

    const target = (p: Params): { mac: string; hex: string; name: string } => {
      const mac = deps.normalizeMac(p.mac);
      if (!mac) throw new ApiError('invalid_mac', `not a MAC address: ${p.mac.slice(0, 64)}`, 'mac');
      if (!deps.machineExists(mac)) throw new ApiError('not_found', `no machine ${mac}`);
      const name = p.name ?? '';
      if (p.name !== undefined && !isValidName(name)) throw new ApiError('validation_failed', 'volume names use letters, digits, `.`, `_`, `-`', 'name');
      return { mac, hex: macHex(mac), name };
    };
    const VolumeParams = Type.Object({ mac: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 128 }) });
    const tag = 'volumes';

    app.get('/machines/:mac/volumes', { schema: adminSchema(tag, { summary: "A machine's volumes: objects, bytes, last push", params: MacParams }) },
      async (request) => {
        const t = target(request.params as Params);
        return (await deps.volumes.list(t.hex)).map((v) => ({ ...v, lastPush: v.lastPush?.toISOString() ?? null }));
      });

    app.get('/machines/:mac/volumes/:name/objects', { schema: adminSchema(tag, { summary: 'Objects of one volume', params: VolumeParams }) },
      async (request) => {
        const t = target(request.params as Params);
        return (await deps.volumes.listObjects(t.hex, t.name)).map((o) => ({ ...o, lastModified: o.lastModified.toISOString() }));
      });

    app.get('/machines/:mac/volumes/:name/archive', { schema: adminSchema(tag, { summary: 'Back up a volume as a tar stream', params: VolumeParams }) },
      async (request, reply) => {
        const t = target(request.params as Params);
        const stream = await deps.volumes.archive(t.hex, t.name);
        if (!stream) throw new ApiError('not_found', `volume ${t.name} of ${t.mac} is empty`);
        return reply
          .header('content-type', 'application/x-tar')
          .header('content-disposition', `attachment; filename="${t.hex}-${t.name}.tar"`)
          .send(stream);
      });

    app.put('/machines/:mac/volumes/:name/archive', {
      schema: adminSchema(tag, { summary: 'Restore or seed a volume from a tar stream (the volume then holds exactly its files)', params: VolumeParams }),
    }, async (request) => {
      const t = target(request.params as Params);
      if (!request.body) throw new ApiError('bad_request', 'the request body is the tar archive');
      try {
        return await deps.volumes.restore(t.hex, t.name, request.body as Readable);
      } catch (err) {
        if (err instanceof VolumeRestoreError) throw new ApiError('bad_request', err.message);
        if (err instanceof VolumeBackendError) {
          request.log.error({ err }, 'volume restore: backend write failed');
          throw new ApiError('unavailable', 'the S3 backend refused the write; see the server log');
        }
        throw err;
      }
    });

    app.delete('/machines/:mac/volumes/:name', { schema: adminSchema(tag, { summary: 'Wipe a volume', params: VolumeParams }) },
      async (request) => {
        const t = target(request.params as Params);
        return deps.volumes.wipe(t.hex, t.name);
      });
  };
}
