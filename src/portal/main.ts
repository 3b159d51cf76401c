import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIRST_ADMIN_FILE, printFirstAdminCredentials } from './api/auth/first-admin.service.js';
import { createPortalApp } from './bootstrap.js';
import { PortalConfig } from './config.js';

async function main(): Promise<void> {
  const config = PortalConfig.fromEnv();
  const app = await createPortalApp(config);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  console.log(`Switchboard portal listening on ${url}`);
  console.log(`  web UI:     ${url}/`);
  console.log(`  API docs:   ${url}/api/docs`);
  console.log(`  OLP input:  ${url}/olp/v1/input (connector server: ${config.serverUrl})`);
  console.log(`  database:   ${config.databaseUrl.startsWith('file:') ? config.databaseUrl : 'PostgreSQL'}`);
  const kept = join(config.dataDir, FIRST_ADMIN_FILE);
  if (!printFirstAdminCredentials(app) && existsSync(kept))
    console.log(`  first admin: ${config.adminEmail} (generated password kept in ${kept})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
