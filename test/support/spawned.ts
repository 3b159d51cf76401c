import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: spawned processes run its build (`npm run build`), as `npm start` does. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return String(port);
}

export interface SpawnedProcess {
  child: ChildProcess;
  url: string;
  port: string;
}

/**
 * Spawns `node <entry>` of the build (`dist/server/main.js`, `dist/portal/main.js`) with `env` (and
 * PATH, HOST, PORT) and resolves once /health answers 200; the child is added to `children` so the
 * test can kill what it left running.
 */
export async function spawnBuilt(opts: {
  entry: string;
  env: Record<string, string>;
  port?: string;
  children: ChildProcess[];
}): Promise<SpawnedProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, [join(root, opts.entry)], {
    env: { PATH: process.env.PATH, PORT: port, HOST: '127.0.0.1', ...opts.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  opts.children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  while ((await fetch(`${url}/health`).catch(() => null))?.status !== 200) {
    if (Date.now() > until || child.exitCode !== null)
      throw new Error(`gave up waiting for ${opts.entry} to start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url, port };
}

/** SIGKILLs the children still running and waits for them to exit. */
export async function killAll(children: ChildProcess[]): Promise<void> {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
}

/** The two ways a new process takes back a killed one's claims, run by each kill test. */
export const TAKEOVER_CASES: {
  how: string;
  first: Record<string, string>;
  second: Record<string, string>;
  samePort: boolean;
}[] = [
  {
    how: 'the process restarted on its port (the default instance), at once',
    // A liveness window far above the figure asserted: the new process takes the claims back
    // because it supersedes its predecessor, not because a heartbeat went stale.
    first: { WORKER_OWNER_TIMEOUT: '10m' },
    second: { WORKER_OWNER_TIMEOUT: '10m' },
    samePort: true,
  },
  {
    how: 'a process of another instance once the dead one’s heartbeat is past the window',
    first: { WORKER_INSTANCE: 'server-a', WORKER_OWNER_TIMEOUT: '2s' },
    second: { WORKER_INSTANCE: 'server-b', WORKER_OWNER_TIMEOUT: '2s' },
    samePort: false,
  },
];

/** SIGKILLs a spawned process and waits until it is gone. */
export async function kill9(spawned: SpawnedProcess): Promise<void> {
  spawned.child.kill('SIGKILL');
  await once(spawned.child, 'exit');
}
