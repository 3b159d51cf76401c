// `npm run bench`: prints throughput and latency figures; never part of the test suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateKeySpec, parseKeyRing } from '../protocol/index.js';
import { closedLoop, openLoop, type LoadResult } from './load.js';
import { receivingMessagePackets, type Peer } from './messages.js';
import { startNode, threadCpuMs, type Child } from './processes.js';
import { sqliteInsertRate } from './sqlite-ceiling.js';
import { streamLatencyFigures } from './stream-latency.js';
import { routingFigures } from './routing.js';
import { serverFigures } from './server.js';
import { fmt } from './stats.js';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A fresh PostgreSQL database for the run, or undefined when no server answers. */
async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const name = `sb_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch {
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const here = dirname(fileURLToPath(import.meta.url));
const PORTAL_ID = 'bench-portal';
const SERVER_ID = 'bench-server';

function line(label: string, r: LoadResult, batch: number): void {
  const fail = r.failures ? `  FAILURES ${r.failures}: ${r.firstFailure ?? ''}` : '';
  console.log(
    `  ${label.padEnd(44)} ${fmt(r.perSecond * batch).padStart(8)} msg/s ${fmt(r.perSecond).padStart(7)} packets/s` +
      `   p50 ${fmt(r.p50Ms, 1).padStart(6)} ms   p99 ${fmt(r.p99Ms, 1).padStart(6)} ms${fail}`,
  );
}

async function inputFigures(target: Child, peer: Peer, label: string): Promise<void> {
  await closedLoop(target.url, await receivingMessagePackets(peer, 200, 50), 8); // warm-up, not reported
  const packets = await receivingMessagePackets(peer, 400, 50);
  const before = threadCpuMs(target.pid);
  line(`${label}: batches of 50, 8 clients`, await closedLoop(target.url, packets, 8), 50);
  const after = threadCpuMs(target.pid);
  // CPU per packet hardly depends on what else the machine runs, unlike the rates above.
  if (before && after) {
    console.log(
      `  ${''.padEnd(44)} CPU per packet: main thread ${fmt((after.main - before.main) / packets.length, 2)} ms,` +
        ` other threads ${fmt((after.others - before.others) / packets.length, 2)} ms`,
    );
  }
  line(
    `${label}: batches of 1, 16 clients`,
    await closedLoop(target.url, await receivingMessagePackets(peer, 3000, 1), 16),
    1,
  );
  // Open-loop figures swing by an order of magnitude on a cold path (JIT, first-time code); the
  // measured run follows a warm-up at the same rate, as a portal in service would be.
  await openLoop(target.url, await receivingMessagePackets(peer, 5000, 1), 1000);
  line(
    `${label}: batches of 1 at 1,000 packets/s (5 s)`,
    await openLoop(target.url, await receivingMessagePackets(peer, 5000, 1), 1000),
    1,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const keySpec = generateKeySpec('bench');
  const peer: Peer = { keys: parseKeyRing(keySpec), iss: SERVER_ID, aud: PORTAL_ID };
  const env = { OLP_KEYS: keySpec, PORTAL_ID, SERVER_ID, LOG_LEVEL: 'warn' };
  console.log(`Switchboard benchmark (node ${process.version}, ${new Date().toISOString()})`);
  /** Runs `fn` on a fresh PostgreSQL database, or says why not. */
  const onPostgres = async (what: string, fn: (url: string) => Promise<void>): Promise<void> => {
    const database = await createPgDatabase();
    if (!database) return console.log(`  ${what} on PostgreSQL skipped: ${PG_URL} is not reachable.`);
    try {
      await fn(database.url);
    } finally {
      await database.drop();
    }
  };
  const portalScript = join(here, '../portal/main.js');
  const sections: Record<string, () => Promise<void>> = {
    input: async () => {
      for (const databaseUrl of [undefined, 'postgresql']) {
        const run = async (url?: string) => {
          console.log(
            `\nPortal Input, POST /olp/v1/input receivingMessage (${url ? 'PostgreSQL' : 'SQLite'}, inbox workers off):`,
          );
          const portal = await startNode(portalScript, {
            ...env,
            DATA_DIR: join(dir, `portal-${url ? 'pg' : 'sqlite'}`),
            ...(url ? { DATABASE_URL: url } : {}),
            WORKERS: 'false',
            ADMIN_PASSWORD: 'bench-password',
            // Nothing listens there: confirmations stay queued in the outbox, as when the server is slow.
            CONNECTOR_SERVER_URL: 'http://127.0.0.1:9',
          });
          try {
            await inputFigures(portal, peer, url ? 'portal/pg' : 'portal');
          } finally {
            await portal.stop();
          }
        };
        if (databaseUrl) await onPostgres('Portal Input', run);
        else await run();
      }
      console.log('\nCeiling: bare Fastify POST with the same JWS verification:');
      const raw = await startNode(join(here, 'raw-fastify.js'), env, '/olp/v1/input');
      try {
        await inputFigures(raw, peer, 'fastify');
      } finally {
        await raw.stop();
      }
      console.log('\nCeiling: raw better-sqlite3 inserts of inbox rows (WAL, synchronous=NORMAL):');
      console.log(`  50 rows per transaction   ${fmt(sqliteInsertRate(dir, 50_000, 50)).padStart(9)} rows/s`);
      console.log(`  1 row per transaction     ${fmt(sqliteInsertRate(dir, 5_000, 1)).padStart(9)} rows/s`);
      console.log(
        '\nTargets: >= 20,000 msg/s with batches of 50; p99 < 25 ms for single-message packets at 1,000 packets/s.',
      );
    },
    server: async () => {
      console.log('\nConnector server (in process, workers driven by the bench):');
      await serverFigures('SQLite', dir);
      await onPostgres('Connector server', (url) => serverFigures('PostgreSQL', dir, url));
    },
    stream: async () => {
      console.log('\nVisitor to operator stream: receivingMessage posted until the SSE client sees it:');
      await streamLatencyFigures({ label: 'SQLite', dir, env, peer, portalScript });
      await onPostgres('Stream latency', (databaseUrl) =>
        streamLatencyFigures({ label: 'PostgreSQL', dir, env, peer, portalScript, databaseUrl }),
      );
    },
    routing: async () => {
      console.log(`\nRouting: one line with 1,000 operators online and 10,000 chats waiting:`);
      await routingFigures('SQLite', dir);
      await onPostgres('Routing', (url) => routingFigures('PostgreSQL', dir, url));
    },
  };
  // `node dist/bench/run.js [input] [server] [stream] [routing]` runs only the sections named.
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in sections));
  if (unknown.length)
    throw new Error(
      `unknown bench section(s) ${unknown.join(', ')}; known: ${Object.keys(sections).join(', ')}`,
    );
  try {
    for (const [name, run] of Object.entries(sections)) {
      if (wanted.length === 0 || wanted.includes(name)) await run();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
