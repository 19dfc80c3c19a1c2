// The demo page (sdk/demo/, served at / by the node) in headless Chromium against a real node
// process (the jar): two browser contexts are two people in one room. `npm run test:browser`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, token } from '../support/node.mjs';
import { launch, openDemo, joined, view, screenshot } from './support/browser.mjs';

let node;
let browser;
const contexts = new Set();

before(async () => {
  [node, browser] = await Promise.all([startNode(), launch()]);
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await node?.dispose();
});

async function open(room, name, { on = node, ...options } = {}) {
  const opened = await openDemo(browser, on, { room, name, ...options });
  contexts.add(opened.context);
  return opened;
}

/** Runs a scenario; whatever happens, a screenshot of each page is kept, and the pages had no uncaught error. */
async function scenario(name, pages, body) {
  try {
    await body();
  } finally {
    for (const [label, opened] of Object.entries(pages())) {
      if (opened?.page && !opened.page.isClosed()) await screenshot(opened.page, `${name}-${label}`).catch(() => {});
    }
  }
  for (const opened of Object.values(pages())) assert.deepEqual(opened?.errors ?? [], [], 'uncaught errors in the page');
}

const member = (page, userId) => page.locator(`#member-list li[data-user-id="${userId}"]`);

test('two people in one room see each other: presence, ready, focused field, cursor and chat; leaving shows the join screen with the public room list', async () => {
  let ann;
  let bob;
  await scenario('together', () => ({ ann, bob }), async () => {
    ann = await open('together', 'Ann');
    bob = await open('together', 'Bob');

    // presence both ways
    await member(ann.page, bob.userId).locator('.status-badge.online').waitFor();
    await member(bob.page, ann.userId).locator('.status-badge.online').waitFor();
    assert.equal(await member(ann.page, bob.userId).locator('.name').textContent(), 'Bob');

    // ready flag
    await ann.page.click('#ready');
    await bob.page.waitForSelector(`#member-list li[data-user-id="${ann.userId}"][data-ready="true"]`);

    // a focused field: the others see who is in it, and the member's focused document
    await bob.page.focus('#field-owner');
    const selector = ann.page.locator(`.field[data-field="owner"] .selector[data-user-id="${bob.userId}"]`);
    await selector.waitFor();
    assert.equal(await selector.textContent(), 'Bob');
    await ann.page.waitForFunction(
      (id) => document.querySelector(`#member-list li[data-user-id="${id}"] .focus`)?.textContent === 'on form:owner (form-field)',
      bob.userId,
    );

    // a field's value, with who set it
    await bob.page.fill('#field-owner', 'Bob B.');
    await bob.page.press('#field-owner', 'Enter');
    await ann.page.waitForFunction(() => document.querySelector('#field-owner').value === 'Bob B.');
    await ann.page.waitForFunction(() => document.querySelector('.field[data-field="owner"] .by').textContent.startsWith('set by Bob'));

    // a live cursor over the canvas, labelled with the name
    await bob.page.locator('#board').scrollIntoViewIfNeeded();
    const board = await bob.page.locator('#board').boundingBox();
    await bob.page.mouse.move(board.x + 100, board.y + 60);
    await bob.page.mouse.move(board.x + board.width / 2, board.y + board.height / 2, { steps: 4 });
    const cursor = ann.page.locator(`#cursors [data-user-id="${bob.userId}"]`);
    await cursor.waitFor();
    assert.equal(await cursor.locator('text').textContent(), 'Bob');
    await ann.page.waitForFunction(
      (id) => document.querySelector(`#member-list li[data-user-id="${id}"] .focus`)?.textContent === 'on canvas (canvas)',
      bob.userId,
    );

    // chat both ways
    await ann.page.fill('#chat-input', 'hello Bob');
    await ann.page.press('#chat-input', 'Enter');
    await bob.page.fill('#chat-input', 'hi Ann');
    await bob.page.press('#chat-input', 'Enter');
    for (const page of [ann.page, bob.page]) {
      await page.waitForFunction(() => document.querySelectorAll('#messages li[data-message-id]').length === 2);
      assert.deepEqual(await page.locator('#messages li[data-message-id] .text').allTextContents(), ['hello Bob', 'hi Ann']);
      assert.deepEqual(await page.locator('#messages li[data-message-id] .author').allTextContents(), ['Ann', 'Bob']);
    }

    await ann.page.click('#leave');
    await ann.page.waitForSelector('#join:not([hidden])');
    assert.equal(await ann.page.locator('#public-rooms').isVisible(), true);
    await member(bob.page, ann.userId).waitFor({ state: 'detached' }); // leave: gone at once
  });
});

test('the shared form: an edit made on top of someone else’s is refused (compare-and-set) and shown as a conflict; both end with the same value', async () => {
  let ann;
  let bob;
  await scenario('form-conflict', () => ({ ann, bob }), async () => {
    ann = await open('form-conflict', 'Ann');
    bob = await open('form-conflict', 'Bob');
    await member(ann.page, bob.userId).waitFor();

    // Ann starts typing; meanwhile Bob saves the same field
    await ann.page.fill('#field-title', 'Ann’s title');
    await bob.page.locator(`.field[data-field="title"] .selector[data-user-id="${ann.userId}"]`).waitFor();
    await bob.page.fill('#field-title', 'Bob’s title');
    await bob.page.press('#field-title', 'Enter');
    await ann.page.waitForFunction(() => window.parleyDemo.client.state.get('form:title')?.value === 'Bob’s title');
    assert.equal(await ann.page.inputValue('#field-title'), 'Ann’s title', 'the field being edited keeps the user’s text');

    // Ann saves: refused, rolled back to Bob's value, and the conflict is shown
    await ann.page.press('#field-title', 'Enter');
    await ann.page.waitForSelector('.field[data-field="title"].conflict');
    const note = await ann.page.locator('.field[data-field="title"] .conflict-note').textContent();
    assert.match(note, /Bob changed Title while you were editing/);
    assert.match(note, /Ann’s title/);
    assert.equal(await ann.page.inputValue('#field-title'), 'Bob’s title');
    assert.equal(await bob.page.inputValue('#field-title'), 'Bob’s title');
    await screenshot(ann.page, 'form-conflict-shown');

    // "Use mine anyway" writes on top of the version now known
    await ann.page.click('.field[data-field="title"] .conflict-note button:text("Use mine anyway")');
    await bob.page.waitForFunction(() => document.querySelector('#field-title').value === 'Ann’s title');
    await ann.page.waitForSelector('.field[data-field="title"]:not(.conflict)');
    const [a, b] = await Promise.all([view(ann.page), view(bob.page)]);
    assert.deepEqual(a.state['form:title'], b.state['form:title']);
  });
});

test('the canvas: shapes anyone adds, moves and deletes (shape:<id> keys); a move of a shape deleted meanwhile does not bring it back', async () => {
  let ann;
  let bob;
  await scenario('canvas', () => ({ ann, bob }), async () => {
    ann = await open('canvas', 'Ann');
    bob = await open('canvas', 'Bob');
    await member(ann.page, bob.userId).waitFor();

    await ann.page.click('#add-square');
    await bob.page.waitForSelector('#shapes [data-key^="shape:"]');
    const key = await bob.page.getAttribute('#shapes [data-key^="shape:"]', 'data-key');
    const shape = (page) => page.locator(`#shapes [data-key="${key}"]`);
    const position = (page) => page.evaluate((k) => window.parleyDemo.client.state.get(k)?.value, key);

    // Bob drags it; Ann sees it where Bob dropped it
    const before = await position(ann.page);
    await shape(bob.page).scrollIntoViewIfNeeded();
    const box = await shape(bob.page).boundingBox();
    await bob.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await bob.page.mouse.down();
    await bob.page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 40, { steps: 6 });
    await bob.page.mouse.up();
    await ann.page.waitForFunction(
      ([k, x]) => window.parleyDemo.client.state.get(k)?.value.x !== x && !window.parleyDemo.client.state.get(k)?.pending,
      [key, before.x],
    );
    const moved = await position(ann.page);
    assert.deepEqual(moved, await position(bob.page));
    assert.ok(moved.x > before.x, `moved right: ${before.x} -> ${moved.x}`);
    assert.equal(moved.by, ann.userId, 'the shape keeps its author');

    // Ann starts dragging it while Bob deletes it: her drop is refused, the shape stays deleted
    await shape(ann.page).scrollIntoViewIfNeeded();
    const annBox = await shape(ann.page).boundingBox();
    await ann.page.mouse.move(annBox.x + annBox.width / 2, annBox.y + annBox.height / 2);
    await ann.page.mouse.down();
    await ann.page.mouse.move(annBox.x + annBox.width / 2 - 60, annBox.y + annBox.height / 2, { steps: 3 });
    await shape(bob.page).click();
    await bob.page.click('#delete-shape');
    await ann.page.waitForFunction((k) => !window.parleyDemo.client.state.has(k), key);
    await ann.page.mouse.up();
    await ann.page.waitForFunction(() => document.querySelector('#canvas-note').textContent.includes('meanwhile'));
    await ann.page.waitForFunction(() => window.parleyDemo.client.pendingCommands === 0);
    for (const page of [ann.page, bob.page]) {
      assert.equal(await page.locator('#shapes [data-key]').count(), 0);
      assert.equal(await position(page), undefined);
    }

    // Bob adds a circle and deletes it with the Delete key
    await bob.page.click('#add-circle');
    await ann.page.waitForSelector('#shapes [data-kind="circle"]');
    await bob.page.locator('#shapes [data-kind="circle"]').click();
    await bob.page.keyboard.press('Delete');
    await ann.page.waitForSelector('#shapes [data-kind="circle"]', { state: 'detached' });
  });
});

test('offline and back: the page drops its dead socket, queues what the user does, resumes, and ends with the same state as the other page', async () => {
  let ann;
  let bob;
  await scenario('offline', () => ({ ann, bob }), async () => {
    ann = await open('offline', 'Ann');
    bob = await open('offline', 'Bob');
    await member(ann.page, bob.userId).waitFor();
    await ann.page.click('#add-square');
    await bob.page.waitForSelector('#shapes [data-key]');

    await ann.context.setOffline(true);
    await ann.page.waitForFunction(() => window.parleyDemo.client.status !== 'joined');
    await ann.page.waitForSelector('#banner:not([hidden])');
    // the server saw the connection go: Bob sees Ann away, not online (no zombie)
    await bob.page.waitForSelector(`#member-list li[data-user-id="${ann.userId}"][data-status="away"]`);

    // Bob goes on
    await bob.page.fill('#field-title', 'Decided while Ann was offline');
    await bob.page.press('#field-title', 'Enter');
    await bob.page.fill('#chat-input', 'Ann, are you there?');
    await bob.page.press('#chat-input', 'Enter');
    await bob.page.click('#add-circle');
    await bob.page.waitForFunction(() => window.parleyDemo.client.pendingCommands === 0);

    // Ann, offline, goes on too: her commands wait in the SDK's queue
    await ann.page.fill('#field-owner', 'Ann');
    await ann.page.press('#field-owner', 'Enter');
    await ann.page.fill('#chat-input', 'written offline');
    await ann.page.press('#chat-input', 'Enter');
    await ann.page.click('#ready');
    assert.ok((await ann.page.evaluate(() => window.parleyDemo.client.pendingCommands)) >= 3);
    assert.equal(await ann.page.evaluate(() => window.parleyDemo.client.state.get('form:title')), undefined, 'Ann saw nothing of Bob’s changes');
    await screenshot(ann.page, 'offline-while-offline');

    const joinsBefore = await ann.page.evaluate(() => window.parleyDemo.statuses.filter((s) => s.status === 'joined').length);
    await ann.context.setOffline(false);
    await joined(ann.page);
    await ann.page.waitForFunction(() => window.parleyDemo.client.pendingCommands === 0);
    const joins = await ann.page.evaluate(() => window.parleyDemo.statuses.filter((s) => s.status === 'joined'));
    assert.equal(joins.length, joinsBefore + 1);
    assert.equal(joins.at(-1).resumed, true, 'the page resumed from the last version it applied');

    // both pages converge: same version, state, chat and members
    await bob.page.waitForFunction((v) => window.parleyDemo.client.version >= v, await ann.page.evaluate(() => window.parleyDemo.client.version));
    await ann.page.waitForFunction((v) => window.parleyDemo.client.version >= v, await bob.page.evaluate(() => window.parleyDemo.client.version));
    const [a, b] = await Promise.all([view(ann.page), view(bob.page)]);
    assert.deepEqual(a, b);
    assert.equal(a.state['form:title'].value, 'Decided while Ann was offline');
    assert.equal(a.state['form:owner'].value, 'Ann');
    assert.deepEqual(a.messages.map((m) => m[2]), ['Ann, are you there?', 'written offline']);
    assert.deepEqual(a.members.find((m) => m[0] === ann.userId).slice(1, 3), ['online', true]);
    for (const page of [ann.page, bob.page]) {
      await page.waitForFunction(() => document.querySelectorAll('#shapes [data-key]').length === 2);
      await page.waitForFunction(() => document.querySelector('#field-title').value === 'Decided while Ann was offline');
      assert.deepEqual(await page.locator('#messages li[data-message-id] .text').allTextContents(), ['Ann, are you there?', 'written offline']);
    }
  });
});

test('a StrictMode-style double mount (mount, unmount, mount in one tick) opens one WebSocket and one session', async () => {
  let sam;
  await scenario('strict-mode', () => ({ sam }), async () => {
    sam = await open('strict-mode', 'Sam', { query: { strict: '1' } });
    const statuses = await sam.page.evaluate(() => window.parleyDemo.statuses.map((s) => s.status));
    // connect, close (the unmount), connect: one socket, made after the second mount
    assert.deepEqual(statuses.slice(0, 3), ['connecting', 'closed', 'connecting']);
    const retries = statuses.filter((s) => s === 'reconnecting').length; // a retry of a failed attempt would be a socket more, and visible here
    assert.equal(sam.sockets.length, 1 + retries, JSON.stringify(statuses));
    assert.equal(retries, 0, JSON.stringify(statuses));
    const response = await fetch(`${node.httpUrl}/v1/rooms/strict-mode/presence`, {
      headers: { Authorization: `Bearer ${token('reader', 'Reader', { rooms: { '*': 'read' } })}` },
    });
    const { members } = await response.json();
    assert.deepEqual(members.map((m) => [m.userId, m.sessions]), [[sam.userId, 1]]);
  });
});

test('a name and a chat message made of HTML show as text: no element is created and no dialog opens', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const evilText = '<script>alert(2)</script><img src=y onerror=alert(3)><b>bold?</b>';
  let ann;
  let eve;
  await scenario('html-as-text', () => ({ ann, eve }), async () => {
    ann = await open('html-as-text', 'Ann');
    eve = await open('html-as-text', evil);
    await member(ann.page, eve.userId).waitFor();
    assert.equal(await member(ann.page, eve.userId).locator('.name').textContent(), evil);

    await eve.page.focus('#field-title');
    const selector = ann.page.locator(`.field[data-field="title"] .selector[data-user-id="${eve.userId}"]`);
    await selector.waitFor();
    assert.equal(await selector.textContent(), evil);
    await eve.page.fill('#field-title', evilText);
    await eve.page.press('#field-title', 'Enter');
    await ann.page.waitForFunction((text) => document.querySelector('#field-title').value === text, evilText);

    await eve.page.locator('#board').scrollIntoViewIfNeeded();
    const board = await eve.page.locator('#board').boundingBox();
    await eve.page.mouse.move(board.x + 50, board.y + 50);
    await eve.page.mouse.move(board.x + 150, board.y + 90, { steps: 3 });
    await ann.page.locator(`#cursors [data-user-id="${eve.userId}"]`).waitFor();
    assert.equal(await ann.page.locator(`#cursors [data-user-id="${eve.userId}"] text`).textContent(), evil);

    await eve.page.fill('#chat-input', evilText);
    await eve.page.press('#chat-input', 'Enter');
    await ann.page.waitForSelector('#messages li[data-message-id]');
    assert.equal(await ann.page.locator('#messages li[data-message-id] .text').textContent(), evilText);
    assert.equal(await ann.page.locator('#messages li[data-message-id] .author').textContent(), evil);

    for (const page of [ann.page, eve.page]) {
      assert.equal(await page.locator('img, script:not([src]), b').count(), 0, 'no element made from user text');
    }
    assert.deepEqual(ann.dialogs, []);
    assert.deepEqual(eve.dialogs, []);
  });
});

// the registry lags the room by a second or two and the page refreshes its list every 5 s
const LISTED_WITHIN = { timeout: 30000 };

test('public rooms: one page makes its room public under a title, the other page’s list shows it and a click joins it; made private, it leaves the list', async () => {
  let ann;
  let bob;
  await scenario('public-rooms', () => ({ ann, bob }), async () => {
    ann = await open('public-design', 'Ann');
    bob = await open('lobby', 'Bob', { join: false });
    await bob.page.fill('#name-input', 'Bob');
    assert.equal(await bob.page.locator('#public-room-list li[data-room-id="public-design"]').count(), 0, 'a private room is not listed');

    // a title the server refuses: its message is shown, nothing changes
    await ann.page.click('#make-public');
    await ann.page.waitForSelector('#visibility-error:not([hidden])');
    assert.equal(await ann.page.locator('#visibility-error').textContent(), 'Not changed: the title must not be blank.');
    assert.equal(await ann.page.getAttribute('#visibility-state', 'data-public'), 'false');

    const title = 'Design <b>review</b>';
    await ann.page.fill('#visibility-title', title);
    await ann.page.click('#make-public');
    await ann.page.waitForSelector('#visibility-state[data-public="true"]');
    assert.equal(await ann.page.locator('#visibility-error').isHidden(), true);
    assert.equal(await ann.page.locator('#visibility-state').textContent(), `Public, listed as “${title}”.`);
    assert.equal(await ann.page.isEnabled('#make-private'), true);

    // the other page's list shows it, the title as text
    const entry = bob.page.locator('#public-room-list li[data-room-id="public-design"]');
    await entry.waitFor(LISTED_WITHIN);
    assert.equal(await entry.locator('button').textContent(), title);
    assert.match(await entry.locator('.hint').textContent(), /public-design · 1 member$/);
    await screenshot(bob.page, 'public-rooms-listed');

    // a click joins it
    await entry.locator('button').click();
    await joined(bob.page);
    assert.equal(await bob.page.evaluate(() => window.parleyDemo.client.room), 'public-design');
    bob.userId = await bob.page.evaluate(() => window.parleyDemo.client.userId);
    await member(ann.page, bob.userId).waitFor();
    await bob.page.waitForSelector('#visibility-state[data-public="true"]');
    assert.equal(await bob.page.inputValue('#visibility-title'), title);

    // made private by Ann: Bob sees it at once, and once back on the join screen, not in the list
    await ann.page.click('#make-private');
    await bob.page.waitForSelector('#visibility-state[data-public="false"]');
    assert.equal(await ann.page.isEnabled('#make-private'), false);
    await bob.page.click('#leave');
    await bob.page.waitForSelector('#join:not([hidden])');
    await entry.waitFor({ state: 'detached', ...LISTED_WITHIN });
    assert.equal(await bob.page.locator('img, script:not([src]), b').count(), 0, 'no element made from the title');
  });
});

test('production mode: the page says the app’s backend issues tokens and joins with a pasted one', async () => {
  const production = await startNode({
    env: { PARLEY_MODE: 'production', PARLEY_OPERATOR_TOKEN: 'the-browser-tests-operator-token' },
  });
  let pat;
  try {
    await scenario('production', () => ({ pat }), async () => {
      pat = await open('prod-room', 'Pat', { join: false, on: production });
      await pat.page.waitForSelector('#token-mode[data-mode="production"]');
      const text = await pat.page.locator('#token-mode').textContent();
      assert.match(text, /production mode: it has no development token endpoint/);
      assert.match(text, /your backend/);
      assert.equal(await pat.page.locator('#token-paste').isVisible(), true);
      assert.equal(await pat.page.evaluate(async () => (await fetch('/v1/dev/token?userId=x')).status), 404);
      // what a backend would issue: this user, this room
      await pat.page.fill('#token-input', token('pat', 'Pat', { rooms: { 'prod-room': 'write' } }));
      await pat.page.click('#join-button');
      await joined(pat.page);
      await pat.page.locator('#member-list li[data-user-id="pat"] .name').waitFor();
      assert.equal(await pat.page.locator('#member-list li[data-user-id="pat"] .name').textContent(), 'Pat');
    });
  } finally {
    await production.dispose();
  }
});
