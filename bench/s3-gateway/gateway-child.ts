// The gateway in its own process, in front of the backend named by argv, with one boot session.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { accessKeyForSession, deriveSecretKey } from '../../server/src/domain/credentials.ts';
import { EventBus } from '../../server/src/events.ts';
import { ensureBucket } from '../../server/src/s3/backend.ts';
import { createS3Gateway } from '../../server/src/s3/gateway.ts';
import { createPrincipalLookup } from '../../server/src/s3/principals.ts';

const [url, accessKey, secretKey, bucket] = process.argv.slice(2);
const logger = pino({ level: 'warn' });
const backend = { endPoint: url, accessKey, secretKey, bucket, region: 'us-east-1' };
await ensureBucket(backend, logger);
const masterKey = randomBytes(32);
const session = { id: randomBytes(9).toString('hex'), mac: '52:54:00:be:4c:01', clientIp: null, createdAt: new Date(), endedAt: null };
const gateway = createS3Gateway({
  host: '127.0.0.1', port: 0, backend, events: new EventBus(), logger,
  principals: createPrincipalLookup({ getSession: (id) => (id === session.id ? session : null), masterKey, sessionTtlMs: 86_400_000, bindToClientIp: false }),
});
const { port } = await gateway.listen();
const key = accessKeyForSession(session.id);
process.stdout.write(`GATEWAY_READY ${JSON.stringify({ port, accessKey: key, secretKey: deriveSecretKey(masterKey, key), prefix: 'machines/525400be4c01/' })}\n`);
process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
