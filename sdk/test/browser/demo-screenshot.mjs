// Makes docs/images/demo.png, the README's picture of the demo page: a node of the jar, three
// people in one room (headless Chromium), a few shapes, a field being edited, a conflict, chat
// and a cursor. Run: cd sdk && npm run demo-screenshot (after npm ci and building the jar).
import { fileURLToPath } from 'node:url';
import { startNode } from '../support/node.mjs';
import { launch, openDemo } from './support/browser.mjs';

const OUT = fileURLToPath(new URL('../../../docs/images/demo.png', import.meta.url));

const node = await startNode();
const browser = await launch();
try {
  const room = 'planning';
  const viewport = { width: 1360, height: 1000 };
  const ann = await openDemo(browser, node, { room, name: 'Ann', viewport, query: { color: '#1e66f5' } });
  const bob = await openDemo(browser, node, { room, name: 'Bob', viewport, query: { color: '#d9480f' } });
  const cid = await openDemo(browser, node, { room, name: 'Cid', viewport, query: { color: '#2b8a3e' } });
  const settle = async () => {
    for (const { page } of [ann, bob, cid]) await page.waitForFunction(() => window.parleyDemo.client.pendingCommands === 0);
  };

  // shapes: a few, placed by drag
  for (const [who, button] of [[ann, '#add-square'], [bob, '#add-circle'], [cid, '#add-square'], [ann, '#add-circle']]) {
    await who.page.click(button);
  }
  await settle();
  await ann.page.fill('#field-title', 'Q3 launch plan');
  await ann.page.press('#field-title', 'Enter');
  await bob.page.selectOption('#field-priority', 'high');
  await cid.page.fill('#field-due', '2026-12-18');
  await cid.page.press('#field-due', 'Enter');
  await bob.page.click('#ready');
  await cid.page.click('#ready');
  await settle();

  // a conflict on Ann's page: she edits the owner while Bob saves it
  await ann.page.fill('#field-owner', 'Ann');
  await bob.page.fill('#field-owner', 'Bob');
  await bob.page.press('#field-owner', 'Enter');
  await ann.page.waitForFunction(() => window.parleyDemo.client.state.get('form:owner')?.value === 'Bob');
  await ann.page.press('#field-owner', 'Enter');
  await ann.page.waitForSelector('.field[data-field="owner"].conflict');

  for (const [who, text] of [
    [ann, 'Morning! I put up the plan.'],
    [bob, 'Priority is high, owner is me.'],
    [cid, 'Due date set, I’m ready.'],
  ]) {
    await who.page.fill('#chat-input', text);
    await who.page.press('#chat-input', 'Enter');
  }
  await settle();

  // Cid in the title field, Bob's pointer on the canvas
  await cid.page.focus('#field-title');
  await bob.page.locator('#board').scrollIntoViewIfNeeded();
  const board = await bob.page.locator('#board').boundingBox();
  await bob.page.mouse.move(board.x + 200, board.y + 100);
  await bob.page.mouse.move(board.x + board.width * 0.55, board.y + board.height * 0.45, { steps: 5 });
  await ann.page.locator(`.field[data-field="title"] .selector[data-user-id="${cid.userId}"]`).waitFor();
  await ann.page.locator(`#cursors [data-user-id="${bob.userId}"]`).waitFor();
  await ann.page.evaluate(() => window.scrollTo(0, 0));
  await ann.page.screenshot({ path: OUT, fullPage: true });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await node.dispose();
}
