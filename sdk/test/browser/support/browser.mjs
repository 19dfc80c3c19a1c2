// Headless Chromium for the browser tests: Debian's `chromium` package (bin/ensure-chromium
// installs it), driven by playwright-core (sdk/package.json's devDependency; `npm ci` installs it:
// playwright's own browser download is not used).
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** The browser: PARLEY_CHROMIUM, or Debian's package. */
export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots of every scenario (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../../target/browser-artifacts/', import.meta.url));

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run bin/ensure-chromium (Debian: apt-get install chromium) or set PARLEY_CHROMIUM`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Saves a full-page screenshot under ARTIFACTS and prints its path. */
export async function screenshot(page, name) {
  const path = join(ARTIFACTS, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`# screenshot: ${path}`);
  return path;
}

/**
 * Opens the demo page of `node` in a new browser context and joins `room` as `name` through the
 * page's own join form (a development token from the node). Returns {context, page, userId,
 * dialogs, errors, sockets}: the dialogs that opened (dismissed at once), the page's uncaught
 * errors, and the WebSockets it created.
 */
export async function openDemo(browser, node, { room, name, query = {}, join = true, viewport = { width: 1280, height: 1200 } }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const opened = { context, page, dialogs: [], errors: [], sockets: [] };
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => opened.errors.push(error.message));
  page.on('websocket', (socket) => opened.sockets.push(socket.url()));
  const search = new URLSearchParams({ room, ...query });
  await page.goto(`${node.httpUrl}/?${search}`);
  await page.waitForSelector('body[data-ready="true"]');
  if (join) {
    await page.fill('#name-input', name);
    await page.click('#join-button');
    await joined(page);
    opened.userId = await page.evaluate(() => window.parleyDemo.client.userId);
  }
  return opened;
}

/** Waits until the page's client is joined (and, with `resumed`, joined by a resume). */
export function joined(page, { timeout = 30000 } = {}) {
  return page.waitForFunction(() => window.parleyDemo?.client?.status === 'joined', null, { timeout });
}

/** What a page's client holds: version, state values, chat, members — to compare two pages. */
export function view(page) {
  return page.evaluate(() => {
    const { client } = window.parleyDemo;
    const snapshot = client.getSnapshot();
    return {
      version: snapshot.version,
      state: Object.fromEntries(Object.entries(snapshot.state).map(([key, entry]) => [key, { value: entry.value, version: entry.version, pending: entry.pending === true }])),
      messages: snapshot.messages.map((message) => [message.id, message.userId, message.text, message.version]),
      members: snapshot.members.map((member) => [member.userId, member.status, member.ready, member.document?.id ?? null]),
      pendingCommands: client.pendingCommands,
    };
  });
}
