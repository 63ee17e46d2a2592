// Child process entry for benchmarks: the real server in its own process (so its RSS is its own), started
// through the public composition root with config overrides from BENCH_SERVER_CONFIG (JSON).
import { CONFIG_DEFAULTS, type Config } from '../../server/src/config.ts';
import { startNetboot } from '../../server/src/main.ts';

const overrides = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? '{}') as Partial<Config>;
const server = await startNetboot({ ...CONFIG_DEFAULTS, ...overrides });
process.stdout.write(`BENCH-SERVER-READY ${JSON.stringify({ httpPort: server.httpPort })}\n`);
const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
