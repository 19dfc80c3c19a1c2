// What every example shares: where the node is, where tokens come from, and a client per user.
//
// Run against `bin/parley` (development mode), an example takes each user's token from the
// node's development-only endpoint, GET /v1/dev/token. A real app's backend issues tokens
// (docs/AUTHENTICATION.md); with PARLEY_AUTH_HS256_SECRET set, the example signs them itself
// with that secret, as such a backend would. The tests pass a `tokens` function of their own.
import { pathToFileURL } from 'node:url';
import { ParleyClient } from '../../sdk/parley.js';
import { mintToken } from '../../docs/examples/mint-token.mjs';

/** The node: PARLEY_URL, or what `bin/parley` listens on. */
export const DEFAULT_URL = process.env.PARLEY_URL ?? 'http://127.0.0.1:8080';

/**
 * `(userId, name, {rooms}) => Promise<token>`: signed with PARLEY_AUTH_HS256_SECRET when it is
 * set, else minted by the node's development endpoint (development mode only).
 * `rooms`: `pattern:level` items, e.g. `'*:write'` (the default) or `'lobby:read'`.
 */
export function developmentTokens(httpUrl = DEFAULT_URL) {
  return async (userId, name, { rooms = '*:write' } = {}) => {
    const secret = process.env.PARLEY_AUTH_HS256_SECRET;
    if (secret) return mintToken(secret, userId, name, rooms);
    const query = new URLSearchParams({ userId, rooms });
    if (name) query.set('name', name);
    let response;
    try {
      response = await fetch(`${httpUrl}/v1/dev/token?${query}`);
    } catch (cause) {
      throw new Error(`no Parley node at ${httpUrl} (start one with bin/parley, or set PARLEY_URL)`, { cause });
    }
    if (response.status === 404) {
      throw new Error(`${httpUrl} is not in development mode: set PARLEY_AUTH_HS256_SECRET to sign tokens, as your backend would`);
    }
    if (!response.ok) throw new Error(`GET /v1/dev/token answered ${response.status}: ${await response.text()}`);
    return (await response.json()).token;
  };
}

/**
 * A connected client of `room` for one user: `tokens(userId, name)` provides its token (asked
 * again on every reconnect and refresh). Resolves once joined.
 */
export async function join({ httpUrl = DEFAULT_URL, tokens, room, userId, name, ...options }) {
  if (typeof globalThis.WebSocket !== 'function' && !options.WebSocket) {
    throw new Error('no WebSocket in this Node: run with node --experimental-websocket (Node 20), or Node 22+');
  }
  const client = new ParleyClient({
    url: httpUrl,
    room,
    user: { id: userId, name },
    token: () => tokens(userId, name),
    reconnect: { baseMs: 200, capMs: 2000 },
    ...options,
  });
  await client.connect().whenJoined();
  return client;
}

/** A room id of its own for each run of an example, so that runs do not meet. */
export function freshRoom(prefix) {
  return `${prefix}-${Date.now().toString(36)}`;
}

/** Resolves when `condition()` is truthy (polled), or rejects after `timeoutMs`. */
export async function until(condition, { timeoutMs = 15000, intervalMs = 10, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Whether the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl) {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** Runs `scenario` as the command-line program: prints, then exits 0, or 1 with the error. */
export function runMain(scenario) {
  scenario({ httpUrl: DEFAULT_URL, tokens: developmentTokens(DEFAULT_URL), log: console.log }).then(
    () => process.exit(0),
    (error) => {
      console.error(`\n${error.message}`);
      process.exit(1);
    },
  );
}
