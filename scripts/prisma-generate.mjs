// Generates one Prisma client per (schema, provider) from a single schema file.
// Prisma fixes the provider per schema, and a client only works with an adapter of
// its own provider, so SQLite and PostgreSQL each get a client of identical shape.
//
// `prisma generate` does not run the native schema engine, but the CLI insists on
// downloading it first; where no engine is installed we point it at a placeholder
// file so the step also works on machines without access to Prisma's binary host.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemas = ['portal', 'server'].filter((name) => existsSync(join(root, 'prisma', name, 'schema.prisma')));
const providers = ['sqlite', 'postgresql'];

function engineEnv() {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY) return {};
  const enginesDir = join(root, 'node_modules', '@prisma', 'engines');
  const hasEngine =
    existsSync(enginesDir) && readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
  return hasEngine ? {} : { PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(import.meta.url) };
}

const env = { ...process.env, ...engineEnv(), PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const cli = join(root, 'node_modules', 'prisma', 'build', 'index.js');

for (const name of schemas) {
  const source = readFileSync(join(root, 'prisma', name, 'schema.prisma'), 'utf8');
  for (const provider of providers) {
    const out = join(root, 'prisma', name, '.generated');
    mkdirSync(out, { recursive: true });
    const file = join(out, `${provider}.prisma`);
    const text = source
      .replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`)
      .replace(/output\s*=\s*"([^"]+)"/, (_m, p) => `output       = "../${p}-${provider}"`);
    writeFileSync(file, text);
    execFileSync(process.execPath, [cli, 'generate', '--schema', file], { stdio: 'inherit', env, cwd: root });
  }
}
