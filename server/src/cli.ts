// `b2c-netboot serve | migrate | token create --name N --role R`. Reads env and argv (through config.ts) and
// nothing else reads them.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { ConfigError, configHelp, loadConfig } from './config.ts';
import { migrateDb, openDb } from './db/client.ts';
import { startNetboot } from './main.ts';
import { TokenStore } from './store/tokens.ts';

const USAGE = `usage: b2c-netboot <command> [options]
  serve [options]                      run the netboot server (default)
  migrate                              apply database migrations and exit
  token create --name N --role R       create an API token (admin|viewer) and print it once
  token list | token delete --name N
options (each also an environment variable):
${configHelp()}`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') { process.stdout.write(USAGE + '\n'); return 0; }

  if (command === 'serve') {
    const config = loadConfig(process.env, rest);
    const running = await startNetboot(config);
    if (running.initialAdminToken) {
      // Printed once, to the terminal, outside the JSON log: it is not stored anywhere in clear.
      process.stdout.write(`\n  First start: an admin API token was created. It is shown only now:\n\n    ${running.initialAdminToken}\n\n` +
        `  Use it as "Authorization: Bearer <token>" or to log in at ${running.httpUrl}/ui/\n\n`);
    }
    let stopping = false;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (stopping) process.exit(1);
        stopping = true;
        running.logger.info({ signal }, 'stopping');
        running.close().then(() => process.exit(0), () => process.exit(1));
      });
    }
    return -1; // keep running
  }

  const config = loadConfig(process.env, []);
  mkdirSync(config.dataDir, { recursive: true });
  const database = openDb(path.join(path.resolve(config.dataDir), 'netboot.sqlite'));
  try {
    migrateDb(database.db);
    if (command === 'migrate') { process.stdout.write('database is up to date\n'); return 0; }
    if (command === 'token') {
      const tokens = new TokenStore(database.db);
      const [sub, ...args] = rest;
      if (sub === 'create') {
        const name = flag(args, '--name');
        const role = flag(args, '--role') ?? 'admin';
        if (!name || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new ConfigError('token create needs --name (letters, digits, . _ -)');
        if (role !== 'admin' && role !== 'viewer') throw new ConfigError('--role is admin or viewer');
        const created = tokens.create(name, role);
        if (!created) throw new ConfigError(`a token named ${name} already exists`);
        process.stdout.write(created.token + '\n');
        return 0;
      }
      if (sub === 'list') {
        for (const t of tokens.list()) process.stdout.write(`${t.name}\t${t.role}\tcreated ${t.createdAt.toISOString()}\tlast used ${t.lastUsedAt?.toISOString() ?? 'never'}\n`);
        return 0;
      }
      if (sub === 'delete') {
        const name = flag(args, '--name');
        if (!name || !tokens.delete(name)) throw new ConfigError(`no token named ${name}`);
        return 0;
      }
    }
    process.stderr.write(USAGE + '\n');
    return 2;
  } finally {
    database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exit(code); },
  (err) => {
    process.stderr.write(`b2c-netboot: ${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
