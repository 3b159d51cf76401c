import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ServerCliModule } from '../app.module.js';
import { ServerConfig } from '../config.js';
import { PortalRegistry, RegistryError } from '../portals/portal-registry.service.js';
import { DeadLetters } from '../queue/dead-letters.service.js';
import type { DeadLetterFilter } from '../queue/queue.repository.js';

export const USAGE = `Usage: node dist/server/cli.js <command>

  portal add <id> <base-url> [--keys kid:secret,...]
      Registers a portal. Without --keys one key is generated; the key spec is printed once,
      to be set as OLP_KEYS on the portal.
  portal list [--json]
  portal rotate-keys <id> [--retire-old | --keys kid:secret,...]
      Without options: appends a new key (it verifies at once; the old first key still signs).
      Give the portal OLP_KEYS=<new>,<old>, then run again with --retire-old to keep only the
      newest key, which then signs. --keys replaces the ring outright.
  portal remove <id> [--force]
      Refuses while items are queued for the portal, unless --force.
  deadletter list [--portal id] [--connector id] [--line id] [--limit n] [--json]
  deadletter replay (--all | [--portal id] [--connector id] [--line id] [--id n ...])
      Puts the matching dead letters back at the end of their line's queue.

Configuration comes from the same environment as the server (DATABASE_URL, SERVER_KEY, DATA_DIR).`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

class UsageError extends Error {}

const OPTIONS = {
  keys: { type: 'string' },
  'retire-old': { type: 'boolean' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  portal: { type: 'string' },
  connector: { type: 'string' },
  line: { type: 'string' },
  limit: { type: 'string' },
  id: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Runs one command line; resolves the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    io.out(USAGE);
    return values.help ? 0 : 2;
  }
  let app: INestApplicationContext | undefined;
  try {
    const command = positionals.slice(0, 2).join(' ');
    const rest = positionals.slice(2);
    const handler = COMMANDS[command];
    if (!handler) throw new UsageError(`unknown command "${command}"`);
    app = await NestFactory.createApplicationContext(
      ServerCliModule.forConfig(ServerConfig.fromEnv(io.env)),
      {
        logger: false,
      },
    );
    await handler(app, rest, values, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(err instanceof RegistryError ? err.message : `error: ${(err as Error).message}`);
    return 1;
  } finally {
    await app?.close();
  }
}

type Command = (app: INestApplicationContext, args: string[], values: Values, io: CliIo) => Promise<void>;

function positional(args: string[], names: string[]): string[] {
  if (args.length !== names.length) {
    throw new UsageError(`expected ${names.map((n) => `<${n}>`).join(' ') || 'no arguments'}`);
  }
  return args;
}

function filterOf(values: Values): DeadLetterFilter {
  const ids = values.id?.map((v) => {
    const id = Number(v);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`--id ${v} is not a dead letter id`);
    return id;
  });
  return { portalId: values.portal, connector: values.connector, lineId: values.line, ids };
}

const COMMANDS: Record<string, Command> = {
  'portal add': async (app, args, values, io) => {
    const [id, baseUrl] = positional(args, ['id', 'base-url']);
    const { keySpec } = await app.get(PortalRegistry).add({ id: id, baseUrl: baseUrl, keySpec: values.keys });
    io.out(`registered portal "${id}"`);
    if (!values.keys) io.out(`OLP_KEYS for the portal (shown once): ${keySpec}`);
  },

  'portal list': async (app, args, values, io) => {
    positional(args, []);
    const portals = await app.get(PortalRegistry).list();
    if (values.json) return io.out(JSON.stringify(portals, null, 2));
    if (!portals.length) return io.out('no portals registered');
    for (const p of portals) io.out(`${p.id}\t${p.baseUrl}\tkeys: ${p.kids.join(', ')}`);
  },

  'portal rotate-keys': async (app, args, values, io) => {
    const [id] = positional(args, ['id']);
    if (values['retire-old'] && values.keys)
      throw new UsageError('--retire-old and --keys exclude each other');
    const mode = values.keys ? { replace: values.keys } : values['retire-old'] ? 'retire' : 'add';
    const { keySpec, added } = await app.get(PortalRegistry).rotateKeys({ id: id, mode });
    if (added) {
      const old = keySpec.split(',').slice(0, -1).join(',');
      io.out(`added a key to portal "${id}"; the old first key still signs`);
      io.out(`set on the portal: OLP_KEYS=${added},${old}`);
      io.out(`then run: portal rotate-keys ${id} --retire-old`);
    } else {
      const kids = keySpec.split(',').map((k) => k.slice(0, k.indexOf(':')));
      io.out(`portal "${id}" now has the key(s): ${kids.join(', ')}`);
    }
  },

  'portal remove': async (app, args, values, io) => {
    const [id] = positional(args, ['id']);
    const { droppedItems } = await app.get(PortalRegistry).remove({ id: id, force: values.force ?? false });
    io.out(`removed portal "${id}"${droppedItems ? `; ${droppedItems} queued item(s) dropped` : ''}`);
  },

  'deadletter list': async (app, args, values, io) => {
    positional(args, []);
    const limit = Number(values.limit ?? 100);
    if (!Number.isSafeInteger(limit) || limit <= 0)
      throw new UsageError('--limit must be a positive integer');
    const letters = await app.get(DeadLetters).list(filterOf(values), limit);
    if (values.json) return io.out(JSON.stringify(letters, null, 2));
    if (!letters.length) return io.out('no dead letters');
    for (const l of letters) {
      const item = l.chatId ? ` chat ${l.chatId} message ${l.messageId}` : '';
      io.out(
        `#${l.id}\t${l.failedAt.toISOString()}\t${l.portalId}/${l.connector}/${l.lineId}\t${l.command}${item}\t${l.reason}`,
      );
    }
  },

  'deadletter replay': async (app, args, values, io) => {
    positional(args, []);
    const filter = filterOf(values);
    const narrowed = filter.portalId ?? filter.connector ?? filter.lineId ?? filter.ids;
    if (Boolean(values.all) === (narrowed !== undefined)) {
      throw new UsageError('give either --all or a narrowing --portal/--connector/--line/--id');
    }
    const { replayed, lineless } = await app.get(DeadLetters).replay(filter);
    io.out(`replayed ${replayed} dead letter(s)`);
    for (const l of lineless) {
      io.out(`kept the letters of ${l.portalId}/${l.connector}/${l.lineId}: that line no longer exists`);
    }
  },
};
