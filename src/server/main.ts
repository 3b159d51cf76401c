import 'reflect-metadata';
import { createServerApp } from './bootstrap.js';
import { ServerConfig } from './config.js';

async function main(): Promise<void> {
  const config = ServerConfig.fromEnv();
  const app = await createServerApp(config);
  await app.listen(config.port, config.host);
  console.log(`Switchboard connector server "${config.serverId}" listening on ${await app.getUrl()}`);
  console.log(`  webhooks: ${config.publicUrl}/hook?h=<line hash>`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
