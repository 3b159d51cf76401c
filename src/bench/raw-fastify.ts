// Ceiling for the Input figures: a bare Fastify POST that does the same JWS verification
// (in-memory replay cache) and nothing else. Started as a child process by run.ts.
import Fastify from 'fastify';
import { OlpError, parseKeyRing, verifyPacket } from '../protocol/index.js';

const keys = parseKeyRing(process.env.OLP_KEYS ?? '');
const self = process.env.PORTAL_ID ?? 'bench-portal';
const iss = process.env.SERVER_ID ?? 'bench-server';
const seen = new Map<string, number>();

const app = Fastify({ bodyLimit: 10 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

app.post('/olp/v1/input', async (req, reply) => {
  const raw = req.body as Buffer | undefined;
  if (!raw)
    return reply.code(400).send({ ok: false, error: [{ code: 'MALFORMED_PACKET', message: 'no body' }] });
  const packet = JSON.parse(raw.toString('utf8')) as { command: string; data: unknown[] };
  try {
    await verifyPacket({
      token: (req.headers.authorization ?? '').replace(/^Bearer /, ''),
      rawBody: raw,
      command: packet.command,
      self,
      keysFor: (i) => (i === iss ? keys : undefined),
      rememberJti: (i, jti, exp) => {
        const k = `${i}|${jti}`;
        if (seen.has(k)) return Promise.resolve(false);
        seen.set(k, exp.getTime());
        return Promise.resolve(true);
      },
    });
  } catch (err) {
    if (err instanceof OlpError) return reply.code(err.status).send(err.toReply());
    throw err;
  }
  return { ok: true, data: packet.data.map(() => ({ ok: true })) };
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`LISTENING ${app.server.address() && JSON.stringify(app.server.address())}\n`);
