import 'reflect-metadata';
import { createPortalApp } from './bootstrap.js';
import { PortalConfig } from './config.js';

async function main(): Promise<void> {
  const config = PortalConfig.fromEnv();
  const app = await createPortalApp(config);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  console.log(`Switchboard portal listening on ${url}`);
  console.log(`  API docs: ${url}/api/docs`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
