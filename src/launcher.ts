import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { devOlpKeySpec } from './common/dev-secrets.js';

/** Variables that each process reads under the same name, given to the launcher per process. */
const PER_PROCESS = ['PORT', 'PUBLIC_URL', 'DATABASE_URL'] as const;

export interface LaunchOptions {
  /** The launcher's environment; PORTAL_* and SERVER_* variants set PORT, PUBLIC_URL, DATABASE_URL per process. */
  env: NodeJS.ProcessEnv;
  /** Where the prefixed output of both processes goes. */
  out: NodeJS.WritableStream;
  /** The folder of the built entries (`portal/main.js`, `server/main.js`); this file's folder by default. */
  distDir?: string;
}

export interface Launched {
  portalUrl: string;
  serverUrl: string;
  /** Stops both processes (SIGTERM) and resolves when both have exited. */
  stop(): Promise<void>;
  /** Resolves with the exit code once both processes have exited, whoever stopped first. */
  exited: Promise<number>;
}

/**
 * The single-machine start: the portal and the connector server as two child processes on one
 * data folder, each told where the other is. The development OLP keys are created here, before
 * either starts, so that the two cannot race to write different ones.
 */
export function launch(opts: LaunchOptions): Launched {
  const env = opts.env;
  const distDir = opts.distDir ?? dirname(fileURLToPath(import.meta.url));
  const host = env.HOST ?? '127.0.0.1';
  const portalPort = env.PORTAL_PORT ?? '3000';
  const serverPort = env.SERVER_PORT ?? '3100';
  const portalUrl = env.PORTAL_PUBLIC_URL ?? `http://${host}:${portalPort}`;
  const serverUrl = env.SERVER_PUBLIC_URL ?? `http://${host}:${serverPort}`;
  const dataDir = resolve(env.DATA_DIR ?? './data');
  if (!env.OLP_KEYS) devOlpKeySpec(dataDir);

  const shared: NodeJS.ProcessEnv = { ...env, DATA_DIR: dataDir };
  for (const name of PER_PROCESS) delete shared[name];
  // Children write to a pipe; keep the readable format when a person watches the launcher.
  if (!env.LOG_FORMAT && (opts.out as { isTTY?: boolean }).isTTY) shared.LOG_FORMAT = 'pretty';
  const own = (prefix: 'PORTAL' | 'SERVER', port: string): NodeJS.ProcessEnv => {
    const vars: NodeJS.ProcessEnv = { PORT: port };
    for (const name of PER_PROCESS.slice(1)) {
      const value = env[`${prefix}_${name}`];
      if (value !== undefined) vars[name] = value;
    }
    return vars;
  };
  const children = [
    start('portal', join(distDir, 'portal/main.js'), {
      ...shared,
      ...own('PORTAL', portalPort),
      CONNECTOR_SERVER_URL: env.CONNECTOR_SERVER_URL ?? serverUrl,
    }),
    start('server', join(distDir, 'server/main.js'), {
      ...shared,
      ...own('SERVER', serverPort),
      PORTAL_URL: env.PORTAL_URL ?? portalUrl,
    }),
  ];

  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const { child } of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  const exits = children.map(({ exit }) =>
    exit.then((code) => {
      // One process gone means the pair no longer works: stop the other too.
      if (!stopping) stop();
      return code;
    }),
  );
  const exited = Promise.all(exits).then((codes) => codes.find((c) => c !== 0) ?? 0);
  return {
    portalUrl,
    serverUrl,
    exited,
    stop: async () => {
      stop();
      await exited;
    },
  };

  function start(
    name: string,
    entry: string,
    childEnv: NodeJS.ProcessEnv,
  ): { child: ChildProcess; exit: Promise<number> } {
    const child = spawn(process.execPath, [entry], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const label = `[${name}] `;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => opts.out.write(`${label}${line}\n`));
    }
    const exit = new Promise<number>((done) => {
      child.on('exit', (code, signal) => {
        opts.out.write(`${label}exited (${signal ?? `code ${code}`})\n`);
        done(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1));
      });
      child.on('error', (err) => {
        opts.out.write(`${label}could not start: ${err.message}\n`);
        done(1);
      });
    });
    return { child, exit };
  }
}
