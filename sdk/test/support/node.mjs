// One Parley node process for the SDK's tests: the real jar on free ports with a data folder of
// its own. PARLEY_JAR names the jar (the Maven build sets it); by default the one
// `mvn -pl cluster-config -am package` builds.
import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const JAR = process.env.PARLEY_JAR ?? fileURLToPath(new URL('../../../cluster-config/target/parley.jar', import.meta.url));

/** The HS256 secret the test nodes verify tokens with (PARLEY_AUTH_HS256_SECRET). */
export const SECRET = 'the-sdk-tests-hs256-secret-of-at-least-32-bytes';

/**
 * The access token of a test user, as an app's backend would sign it: every connection of the
 * tests takes its token from here. Each call mints a new one (a later `iat`... and `jti`), so a
 * refresh gets a token of its own.
 */
export function token(userId, name, { ttlSeconds = 3600, rooms = { '*': 'write' } } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  const payload = { sub: userId, name, iat: now, exp: now + ttlSeconds, rooms, jti: Math.random().toString(36).slice(2) };
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

/** Headers of a REST read (snapshot, presence) by a read-only test user. */
export function readHeaders() {
  return { Authorization: `Bearer ${token('reader', 'Reader', { rooms: { '*': 'read' } })}` };
}

/** The client's `token` option for a test user: a provider around token(), or undefined. */
export function tokenProvider(userId, name) {
  return token(userId, name) === undefined ? undefined : async () => token(userId, name);
}

/** The WebSocket URL of a room for a raw socket of a test user, with its token when there is one. */
export function roomUrl(node, room, userId, name) {
  const value = token(userId, name);
  const url = `${node.url}/v1/rooms/${room}/ws`;
  return value === undefined ? url : `${url}?access_token=${encodeURIComponent(value)}`;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `condition` until it is truthy (returns its value) or fails after `timeoutMs`. */
export async function waitFor(condition, { timeoutMs = 10000, intervalMs = 5, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a node and waits until /ready answers 200. Returns {url, httpUrl, httpPort,
 * managementPort, dataDir, stop(), kill(), start(), log()}: kill() (SIGKILL) and stop() (SIGTERM,
 * a graceful drain) end the process; start() starts it again on the same ports and data folder.
 */
export async function startNode({ env = {}, readyTimeoutMs = 90000 } = {}) {
  if (!existsSync(JAR)) throw new Error(`no node jar at ${JAR}: build it (mvn -pl cluster-config -am package) or set PARLEY_JAR`);
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-sdk-'));
  const httpPort = await freePort();
  const managementPort = await freePort();
  let child = null;
  let output = '';
  let exited = null;

  const node = {
    httpPort,
    managementPort,
    dataDir,
    url: `ws://127.0.0.1:${httpPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    log: () => output,
    async start() {
      output = '';
      child = spawn('java', ['-Xmx384m', '-XX:+UseSerialGC', '-jar', JAR], {
        env: {
          ...process.env,
          PARLEY_HTTP_PORT: String(httpPort),
          PARLEY_MANAGEMENT_PORT: String(managementPort),
          PARLEY_DATA_DIR: dataDir,
          PARLEY_DB_URL: '',
          PARLEY_LOG_LEVEL: 'WARN',
          // tokens required (the default), verified with the tests' secret
          PARLEY_AUTH_MODE: 'jwt',
          PARLEY_AUTH_HS256_SECRET: SECRET,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      running.add(child);
      const current = child;
      exited = new Promise((resolve) => current.on('exit', (code, signal) => {
        running.delete(current);
        resolve(code ?? signal);
      }));
      const append = (chunk) => {
        output = (output + chunk).slice(-20000);
      };
      child.stdout.on('data', append);
      child.stderr.on('data', append);
      let gone = false;
      exited.then(() => (gone = true));
      // /ready is open to probes; the probe sends the operator token anyway when the node has
      // one, for nodes built before OperatorRoutes stopped guarding every management path
      const operatorToken = env.PARLEY_OPERATOR_TOKEN;
      const headers = operatorToken ? { Authorization: `Bearer ${operatorToken}` } : {};
      try {
        await waitFor(
          async () => {
            if (gone) throw new Error(`the node exited before it was ready:\n${output}`);
            try {
              const response = await fetch(`http://127.0.0.1:${managementPort}/ready`, { headers });
              await response.arrayBuffer();
              if (response.status !== 200) return false;
              // /ready can say 200 a moment before the HTTP listener is bound: wait for it too
              const gateway = await fetch(`http://127.0.0.1:${httpPort}/sdk/parley.d.ts`);
              await gateway.arrayBuffer();
              return true;
            } catch {
              return false;
            }
          },
          { timeoutMs: readyTimeoutMs, intervalMs: 100, message: 'the node to be ready' },
        );
      } catch (error) {
        // a node that never got ready must not keep the test process alive
        await node.kill();
        throw error;
      }
      return node;
    },
    /** SIGKILL: the process dies at once, its sockets are cut. */
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    /** SIGTERM: the node drains (every client gets a `reconnect` frame) and exits. */
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
    /** Stops the node for good and deletes its data folder. */
    async dispose() {
      await node.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await node.start();
  return node;
}

/**
 * One node for a test file, started before its tests and disposed after them, with every client
 * the tests `track` closed first: `const fixture = nodeFixture(); … fixture.node.url`.
 * `options` go to startNode.
 */
export function nodeFixture(options) {
  const clients = new Set();
  const fixture = {
    node: null,
    track(client) {
      clients.add(client);
      return client;
    },
  };
  before(async () => {
    fixture.node = await startNode(options);
  });
  after(async () => {
    for (const client of clients) client.close();
    await fixture.node?.dispose();
  });
  return fixture;
}
