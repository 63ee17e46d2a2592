// The unauthenticated boot endpoints (DESIGN §3): /boot.ipxe, /ipxe?mac=…, /b2c/:token. A MAC is not a secret, so
// nothing here reveals one: scripts carry no credentials, and the extra document is per session, short-lived,
// read-limited and optionally bound to the IP that fetched the script. Unknown machines never get an error page.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { DOCUMENT_TOKEN_BYTES, planBoot, fillSecret, toBootMachine, type BootEndpoints } from '../../boot/plan.ts';
import { accessKeyForSession, deriveSecretKey } from '../../domain/credentials.ts';
import { renderBootstrapScript, renderDisabledScript, renderErrorScript, renderExitScript, renderRetryScript } from '../../domain/ipxe.ts';
import { normalizeMac } from '../../domain/mac.ts';
import type { ProfileSpec } from '../../domain/types.ts';
import { newSessionId, type ExtraArgsRefusal } from '../../store/sessions.ts';
import type { Machine, Sighting } from '../../store/machines.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { bootEndpointsFor, requestBaseUrl } from '../public-url.ts';

const IPXE_TYPE = 'text/plain; charset=utf-8';

/** What iPXE reports about itself; free text, so only kept when short and plain. */
const SIGHTING_VALUE = /^[A-Za-z0-9._:-]{1,64}$/;
const plain = (v: unknown): string | null => (typeof v === 'string' && SIGHTING_VALUE.test(v) ? v : null);

const REFUSAL_ANSWER: Record<ExtraArgsRefusal, { code: 'not_found' | 'gone' | 'forbidden'; message: string }> = {
  unknown: { code: 'not_found', message: 'no such boot document' },
  ended: { code: 'gone', message: 'this boot session was replaced by a newer boot' },
  expired: { code: 'gone', message: 'this boot document has expired' },
  exhausted: { code: 'gone', message: 'this boot document has been read the maximum number of times' },
  wrong_ip: { code: 'forbidden', message: 'this boot document is bound to the address that fetched the boot script' },
};

export async function bootRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { config, stores, bus, metrics, logger } = deps;

  const sendScript = (reply: FastifyReply, script: string, kind: string) => {
    metrics.scripts.inc({ kind });
    return reply.header('cache-control', 'no-store').type(IPXE_TYPE).send(script);
  };

  app.get('/boot.ipxe', async (request, reply) => sendScript(reply, renderBootstrapScript(requestBaseUrl(request, config.publicUrl)), 'bootstrap'));

  app.get('/ipxe', {
    schema: {
      querystring: Type.Object({
        mac: Type.String({ maxLength: 64 }),
        uuid: Type.Optional(Type.String({ maxLength: 128 })),
        arch: Type.Optional(Type.String({ maxLength: 64 })),
        platform: Type.Optional(Type.String({ maxLength: 64 })),
      }),
    },
  }, async (request, reply) => {
    const q = request.query as { mac: string; uuid?: string; arch?: string; platform?: string };
    const mac = normalizeMac(q.mac);
    if (!mac) throw new ApiError('invalid_mac', `not a MAC address: ${JSON.stringify(q.mac)}`, 'mac');
    const at = bootEndpointsFor(request, deps);
    const chainUrl = `${at.publicUrl}/boot.ipxe`;
    const sighting = { ip: request.ip, arch: plain(q.arch), platform: plain(q.platform), uuid: plain(q.uuid) };

    // Everything a script request writes (sighting, discovery, session) is group-committed with the requests of
    // the same event-loop turn; the script is sent once its session is on disk.
    const answer = await stores.batch.run(() => answerScriptRequest(mac, sighting, at, chainUrl));
    return sendScript(reply, answer.script, answer.kind);
  });

  interface ScriptAnswer { script: string; kind: 'boot' | 'retry' | 'exit' | 'disabled' | 'error' }

  function answerScriptRequest(mac: string, sighting: Sighting & { ip: string }, at: BootEndpoints, chainUrl: string): ScriptAnswer {
    const ip = sighting.ip;
    let machine = stores.machines.get(mac);
    if (!machine) {
      const { machine: found, created } = stores.machines.discover(mac, sighting);
      if (created) bus.publish({ type: 'discovered', mac, ip, detail: { arch: sighting.arch, platform: sighting.platform } });
      machine = found;
    } else {
      stores.machines.recordSighting(mac, sighting);
    }

    if (machine.state === 'disabled') {
      return { script: renderDisabledScript({ mac, message: 'this machine is disabled in b2c-netboot' }), kind: 'disabled' };
    }

    let profileName = machine.state === 'ready' ? machine.profile : null;
    if (!profileName) {
      metrics.unknownMacs.inc();
      if (config.unknown === 'exit') return { script: renderExitScript(`${mac} is not registered; trying the next boot device`), kind: 'exit' };
      if (config.unknown === 'retry') {
        return { script: renderRetryScript({ mac, retrySeconds: config.retrySeconds, chainUrl, message: 'not assigned to a profile yet' }), kind: 'retry' };
      }
      profileName = config.unknown.slice('profile:'.length);
    }

    const profile = stores.profiles.get(profileName);
    if (!profile) {
      bus.publish({ type: 'error', mac, ip, detail: { reason: 'profile-missing', profile: profileName } });
      logger.error({ mac, profile: profileName }, 'machine names a profile that does not exist');
      return { script: renderErrorScript(`profile ${profileName} is missing on the server`, config.retrySeconds, chainUrl), kind: 'error' };
    }
    return bootMachine(ip, machine, profile, at, chainUrl);
  }

  function bootMachine(ip: string, machine: Machine, profile: ProfileSpec, at: BootEndpoints, chainUrl: string): ScriptAnswer {
    const sessionId = newSessionId();
    const token = randomBytes(DOCUMENT_TOKEN_BYTES).toString('base64url');
    const planned = planBoot(profile, toBootMachine(machine), at, { id: sessionId, token });
    if (!planned.ok) {
      // Saves are validated, so this means the profile and the machine's overrides disagree in a way only the
      // combination shows (e.g. a variable removed later). Tell the console and the timeline, then retry.
      bus.publish({ type: 'error', mac: machine.mac, ip, detail: { reason: 'render', field: planned.error.field, message: planned.error.message } });
      return { script: renderErrorScript(`cannot build the boot for ${machine.mac}: see its timeline`, config.retrySeconds, chainUrl), kind: 'error' };
    }
    const { script, boot } = planned.plan;
    stores.sessions.create(sessionId, {
      mac: machine.mac,
      profile: profile.name,
      clientIp: ip,
      kernelCmdline: boot.kernelCmdline,
      extraArgs: boot.extraArgs,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + config.extraArgsTtl * 1000),
      maxReads: config.extraArgsMaxReads,
      bindIp: config.extraArgsBindIp,
    });
    bus.publish({ type: 'script', mac: machine.mac, sessionId, ip, detail: { profile: profile.name, kernelCmdlineBytes: boot.kernelCmdlineBytes } });
    return { script, kind: 'boot' };
  }

  app.get('/b2c/:token', {
    schema: { params: Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{16,128}$' }) }) },
  }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const result = stores.sessions.consumeExtraArgs(sha256(token), request.ip);
    if (!result.ok) {
      const answer = REFUSAL_ANSWER[result.reason];
      if (result.session) {
        bus.publish({ type: 'error', mac: result.session.mac, sessionId: result.session.id, ip: request.ip, detail: { reason: `extra-args-${result.reason}` } });
      }
      throw new ApiError(answer.code, answer.message);
    }
    const s = result.session;
    const secret = deriveSecretKey(deps.masterKey, accessKeyForSession(s.id));
    bus.publish({ type: 'extra-args', mac: s.mac, sessionId: s.id, ip: request.ip, detail: { read: s.reads, maxReads: s.maxReads } });
    return reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(fillSecret(s.extraArgs, secret));
  });
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
