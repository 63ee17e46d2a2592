// The benchmark's backend in its own process (so the gateway's RSS is measured alone): embedded s3rver.
import pino from 'pino';
import { startEmbeddedBackend } from '../../server/src/s3/backend.ts';

const backend = await startEmbeddedBackend(process.argv[2], pino({ level: 'silent' }));
process.stdout.write(`S3_READY ${JSON.stringify({ url: backend.url, accessKey: backend.accessKey, secretKey: backend.secretKey })}\n`);
process.on('SIGTERM', () => void backend.close().then(() => process.exit(0)));
