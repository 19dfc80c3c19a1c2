// Mints an HS256 token with a shared secret you hold, for trying Parley out against a node that
// is not in development mode (the k8s demo overlay, say). A real app's backend or identity
// provider issues tokens; see docs/AUTHENTICATION.md.
// Run: PARLEY_AUTH_HS256_SECRET=... node docs/examples/mint-token.mjs <userId> [name] [rooms] [ttlSeconds]
//   rooms: pattern:level items, e.g. 'team-*:write,lobby:read' (default '*:write')
import { createHmac } from 'node:crypto';

export function mintToken(secret, userId, name, rooms = '*:write', ttlSeconds = 3600, claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  const grants = Object.fromEntries(
    rooms.split(',').map((item) => {
      const at = item.lastIndexOf(':');
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
  const payload = { sub: userId, iat: now, exp: now + ttlSeconds, rooms: grants, ...claims };
  if (name) payload.name = name;
  const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const secret = process.env.PARLEY_AUTH_HS256_SECRET;
  const [userId, name, rooms, ttl] = process.argv.slice(2);
  if (!secret || !userId) {
    console.error('usage: PARLEY_AUTH_HS256_SECRET=... node docs/examples/mint-token.mjs <userId> [name] [rooms] [ttlSeconds]');
    process.exit(2);
  }
  console.log(mintToken(secret, userId, name, rooms, ttl ? Number(ttl) : undefined));
}
