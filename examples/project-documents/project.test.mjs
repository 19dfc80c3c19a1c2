// The project/documents example against a real node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../shared/parley.mjs';
import { nodeForTests, tokens } from '../shared/test-tokens.mjs';
import { ProjectSession, scenario } from './project.mjs';

const fixture = nodeForTests();

async function session(room, userId, name) {
  const client = await fixture.join(room, userId, name);
  return new ProjectSession(client);
}

test('the documented scenario: three document types, who is in which, cursors per document, a new type without a server change', async () => {
  const lines = [];
  const { sessions } = await scenario({ httpUrl: fixture.node.httpUrl, tokens, log: (line) => lines.push(line), room: 'project-scenario' });
  const [, , cid] = sessions;
  assert.deepEqual(cid.documents(), {
    spec: { type: 'md', title: 'Specification' },
    budget: { type: 'spreadsheet', title: 'Budget' },
    board: { type: 'canvas', title: 'Whiteboard' },
    flow: { type: 'diagram', title: 'Flow' },
  });
  assert.equal(cid.text('spec'), '# Goals\n- ship the demo');
  assert.deepEqual(cid.cells('budget'), { B2: 1200 });
  const output = lines.join('\n');
  assert.match(output, /spec \(md\): Ann; cursors Bob@|spec \(md\): Ann \| /);
  assert.match(output, /budget \(spreadsheet\): Bob; cursors Bob@2,7/);
  assert.match(output, /Cid in flow \(diagram\)/);
});

test('focus carries the document and its type; each document shows only its own cursors, and a cursor follows its member to another document', async () => {
  const ann = await session('project-cursors', 'ann', 'Ann');
  const bob = await session('project-cursors', 'bob', 'Bob');
  await ann.create('notes', 'md', 'Notes');
  await ann.create('sheet', 'spreadsheet', 'Sheet');
  await until(() => Object.keys(bob.documents()).length === 2);

  await ann.open('notes');
  await bob.open('sheet');
  await until(() => ann.viewers('sheet').length === 1 && bob.viewers('notes').length === 1);
  assert.deepEqual(ann.viewers('sheet'), [{ userId: 'bob', name: 'Bob', type: 'spreadsheet' }]);
  assert.deepEqual(bob.viewers('notes'), [{ userId: 'ann', name: 'Ann', type: 'md' }]);
  assert.deepEqual(ann.client.members.get('bob').document, { id: 'sheet', type: 'spreadsheet' });

  bob.pointAt(3, 4);
  await until(() => ann.cursorsIn('sheet').length === 1);
  assert.deepEqual(ann.cursorsIn('sheet'), [{ userId: 'bob', x: 3, y: 4 }]);
  assert.deepEqual(ann.cursorsIn('notes'), []);

  await bob.open('notes');
  await until(() => ann.viewers('notes').length === 2);
  assert.deepEqual(ann.cursorsIn('sheet'), [], 'Bob left the sheet: his old cursor there is not shown');
  bob.pointAt(9, 1);
  await until(() => ann.cursorsIn('notes').some((c) => c.x === 9));
  assert.deepEqual(ann.cursorsIn('notes'), [{ userId: 'bob', x: 9, y: 1 }]);

  await bob.closeDocument();
  await until(() => ann.viewers('notes').length === 1);
  assert.deepEqual(ann.cursorsIn('notes'), []);
});

test('documents are created once, and two edits of a text from the same version: one wins, the other is told', async () => {
  const ann = await session('project-edit', 'ann', 'Ann');
  const bob = await session('project-edit', 'bob', 'Bob');
  await ann.create('readme', 'md', 'Readme');
  await until(() => bob.documents().readme);
  await assert.rejects(bob.create('readme', 'canvas', 'Other'), (error) => error.code === 'conflict');

  await ann.editText('readme', 'v1');
  await until(() => bob.text('readme') === 'v1');
  const base = bob.client.versionOf('md:readme');
  const results = await Promise.allSettled([ann.editText('readme', 'Ann’s v2', { expect: base }), bob.editText('readme', 'Bob’s v2', { expect: base })]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  assert.equal(results.find((r) => r.status === 'rejected').reason.code, 'conflict');
  await until(() => ann.client.version === bob.client.version && !ann.client.pendingCommands && !bob.client.pendingCommands);
  assert.equal(ann.text('readme'), bob.text('readme'));
});
