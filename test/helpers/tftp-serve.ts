// The TFTP service as its own process, for places a test's own process can't reach: inside a network namespace
// (`ip netns exec NS node --import tsx test/helpers/tftp-serve.ts …`) and the benchmark. Serves the files of one
// directory (as the iPXE dir). Prints `{"port":N}` once listening, then one JSON line per `tftp` event; stops on
// SIGTERM/SIGINT.
//   usage: tftp-serve.ts DIR [HOST] [PORT] [--windowsize-cap N]
import { parseArgs } from 'node:util';
import pino from 'pino';
import { EventBus } from '../../server/src/events.ts';
import { createTftpService } from '../../server/src/tftp/service.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'windowsize-cap': { type: 'string' }, 'loop-break-ms': { type: 'string' } },
});
const [dir, host = '127.0.0.1', port = '0'] = positionals;
if (!dir) throw new Error('usage: tftp-serve.ts DIR [HOST] [PORT]');

const events = new EventBus();
events.subscribe((e) => process.stdout.write(`${JSON.stringify(e)}\n`));
const service = createTftpService({
  host,
  port: Number(port),
  ipxeDir: dir,
  artifacts: { find: async () => null },
  bootScriptUrl: () => process.env.TFTP_BOOT_URL ?? 'http://127.0.0.1:8080/boot.ipxe',
  ...(values['windowsize-cap'] ? { windowsizeCap: Number(values['windowsize-cap']) } : {}),
  ...(values['loop-break-ms'] ? { loopBreakWindowMs: Number(values['loop-break-ms']) } : {}),
  events,
  logger: pino({ level: process.env.TFTP_LOG ?? 'warn' }, pino.destination(2)),
});
const bound = await service.listen();
process.stdout.write(`${JSON.stringify({ port: bound.port })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void service.close().then(() => process.exit(0)));
}
