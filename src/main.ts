import { launch } from './launcher.js';

const launched = launch({ env: process.env, out: process.stdout });
console.log(
  `Switchboard: portal ${launched.portalUrl}, connector server ${launched.serverUrl} (Ctrl-C stops both)`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void launched.stop());
}
void launched.exited.then((code) => process.exit(code));
