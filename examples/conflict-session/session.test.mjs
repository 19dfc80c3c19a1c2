// The conflict-resolution example against a real node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../shared/parley.mjs';
import { nodeForTests, tokens } from '../shared/test-tokens.mjs';
import { ResolutionSession, FIELDS, scenario } from './session.mjs';

const fixture = nodeForTests();

async function session(room, userId, name) {
  const client = await fixture.join(room, userId, name);
  return new ResolutionSession(client, FIELDS);
}

test('the documented scenario: picks, a conflict resolved, a late joiner, and one decision although all three decide at once', async () => {
  const lines = [];
  const { results, decision, sessions } = await scenario({ httpUrl: fixture.node.httpUrl, tokens, log: (line) => lines.push(line), room: 'resolve-scenario' });
  assert.equal(results.filter((r) => r.wrote).length, 1, 'exactly one decision written');
  assert.deepEqual(decision.values, { map: 'dust', mode: '5v5', side: 'ct' });
  for (const result of results) assert.deepEqual(result.decision, decision);
  for (const s of sessions) assert.deepEqual(s.decision, decision);
  assert.match(lines.join('\n'), /map: conflict \(Ann=dust Bob=mirage\)/);
  // Cid has not picked yet: every field is open until he does; the others' picks and flags are there
  assert.match(lines.join('\n'), /Cid joins late and sees at once: map: open \(Ann=dust Bob=dust\); mode: open \(Ann=5v5 Bob=5v5\); side: open \(Ann=ct Bob=ct\); ready: Ann=true Bob=false Cid=false/);
});

test('a late joiner sees the current picks and ready flags in its first view, and its own missing picks keep the fields open', async () => {
  const ann = await session('resolve-late', 'ann', 'Ann');
  const bob = await session('resolve-late', 'bob', 'Bob');
  await ann.pick('map', 'inferno');
  await bob.pick('map', 'mirage');
  await ann.pick('mode', '2v2');
  await ann.ready();
  await until(() => bob.client.version === ann.client.version);

  const cid = await session('resolve-late', 'cid', 'Cid');
  // no event needed: the welcome's snapshot has it all
  assert.deepEqual(cid.picks(), { map: { ann: 'inferno', bob: 'mirage' }, mode: { ann: '2v2' }, side: {} });
  assert.equal(cid.client.members.get('ann').ready, true);
  assert.equal(cid.client.members.get('bob').ready, false);
  assert.deepEqual(
    Object.fromEntries(Object.entries(cid.status()).map(([field, s]) => [field, s.state])),
    { map: 'conflict', mode: 'open', side: 'open' },
  );
  assert.equal(cid.resolvable, false);
  await assert.rejects(cid.decide(), /not everyone is ready/);
});

test('changing a pick takes back the ready flag; the picks of people who left no longer count', async () => {
  const ann = await session('resolve-change', 'ann', 'Ann');
  const bob = await session('resolve-change', 'bob', 'Bob');
  for (const s of [ann, bob]) for (const [field, values] of Object.entries(FIELDS)) await s.pick(field, values[0]);
  await Promise.all([ann.ready(), bob.ready()]);
  await until(() => ann.resolvable && bob.resolvable);

  await bob.pick('side', 't');
  await until(() => ann.client.members.get('bob').ready === false && ann.status().side.state === 'conflict');
  assert.equal(ann.resolvable, false);

  bob.client.close(); // leaves: his picks stay in the room but no longer count
  await until(() => !ann.client.members.has('bob'));
  assert.equal(ann.status().side.state, 'agreed');
  assert.equal(ann.resolvable, true);
  const { wrote, decision } = await ann.decide();
  assert.equal(wrote, true);
  assert.deepEqual(decision.values, { map: 'dust', mode: '5v5', side: 'ct' });
});
