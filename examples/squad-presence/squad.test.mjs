// The squad presence example against a real node (grace period 2 s instead of 10 s).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, token, readHeaders } from '../../sdk/test/support/node.mjs';
import { join, until } from '../shared/parley.mjs';
import { tokens } from '../shared/test-tokens.mjs';
import { SquadRoster, memberProcess, scenario } from './squad.mjs';

let node;
const clients = new Set();
const children = new Set();

before(async () => {
  node = await startNode({ env: { PARLEY_PRESENCE_GRACE: '2s' } });
});

after(async () => {
  for (const client of clients) client.close();
  for (const child of children) child.kill('SIGKILL');
  await node?.dispose();
});

async function member(room, userId, name) {
  const client = await join({ httpUrl: node.httpUrl, tokens, room, userId, name });
  clients.add(client);
  return client;
}

async function processMember(room, userId, name) {
  const child = await memberProcess({ httpUrl: node.httpUrl, room, userId, name, token: token(userId, name) });
  children.add(child);
  return child;
}

async function presence(room) {
  return (await (await fetch(`${node.httpUrl}/v1/rooms/${room}/presence`, { headers: readHeaders() })).json()).members;
}

test('the documented scenario: a killed member process is away at once and gone after the grace period', async () => {
  const lines = [];
  const { roster, left } = await scenario({ httpUrl: node.httpUrl, tokens, log: (line) => lines.push(line), room: 'squad-scenario' });
  assert.equal(left.reason, 'timed_out');
  assert.deepEqual(roster.map((m) => [m.userId, m.status]), [['ann', 'online']]);
  assert.ok(lines.some((line) => /Bob \(away \d+ s\)/.test(line)), lines.join('\n'));
  assert.deepEqual((await presence('squad-scenario')).map((m) => m.userId), [], 'Ann closed: nobody left behind');
});

test('a connection that comes back within the grace period: away, then online again, with no leave and no join', async () => {
  const ann = await member('squad-flaky', 'ann', 'Ann');
  const roster = new SquadRoster(ann);
  const bob = await member('squad-flaky', 'bob', 'Bob');
  await until(() => roster.statusOf('bob') === 'online');
  const changes = [];
  ann.on('presence', (change) => change.userId === 'bob' && changes.push(`${change.type}:${change.member?.status ?? ''}`));

  const joins = bob.version;
  bob.reconnectNow(); // the connection drops; the client comes straight back and resumes
  await until(() => bob.status === 'joined' && bob.version > joins, { what: 'Bob back' });
  await until(() => ann.version >= bob.version && changes.length > 0, { what: 'Ann sees it' });
  // away then online again (or, if the new connection was quicker than the old one's end, a
  // second session and back to one): never a leave and a join
  assert.ok(!changes.some((change) => change.startsWith('left') || change.startsWith('joined')), changes.join(' '));
  assert.equal(roster.toString(), 'Ann (online), Bob (online)');
});

test('no zombie after the node is killed: a member whose process died meanwhile is away, then gone, for those who reconnect and for a newcomer', async () => {
  const ann = await member('squad-crash', 'ann', 'Ann');
  const roster = new SquadRoster(ann);
  const bob = await processMember('squad-crash', 'bob', 'Bob');
  await until(() => roster.statusOf('bob') === 'online');

  await node.kill(); // kill -9 of the server
  bob.kill('SIGKILL'); // and Bob's process dies while it is down
  await node.start();

  // Ann's client reconnects and resumes; the room, recovering, finds Bob's connection gone
  await until(() => ann.status === 'joined' && roster.statusOf('bob') !== 'online', { timeoutMs: 60000, what: 'Bob not online after the restart' });
  const cid = await member('squad-crash', 'cid', 'Cid');
  assert.notEqual(cid.members.get('bob')?.status, 'online', 'a newcomer never sees Bob online');
  await until(() => roster.statusOf('bob') === 'gone' && !cid.members.has('bob'), { timeoutMs: 30000, what: 'Bob gone' });
  assert.deepEqual(roster.members.map((m) => [m.userId, m.status]), [['ann', 'online'], ['cid', 'online']]);
  assert.deepEqual((await presence('squad-crash')).map((m) => m.userId), ['ann', 'cid']);
});
