// A multiplayer canvas with chat, and the public room list to pick a room from.
//
// Every object is a state key `shape:<id>` with a small JSON value. Adding uses `expect: 0` (the
// id must be new), moving and deleting use `expect: <the version seen>`: a move of an object
// someone deleted meanwhile is refused (conflict) instead of bringing it back, and the SDK rolls
// the optimistic move back. Chat is the room's chat.
//
// The public room list is the node's registry (GET /v1/rooms?public=true) through the SDK's
// publicRooms(), a page at a time; a room gets in it by setVisibility({public: true, title}).
// The registry follows the rooms a second or two behind: the scenario waits for its room to
// show up rather than expecting it at once.
//
// Run (against bin/parley): node --experimental-websocket examples/canvas-chat/canvas.mjs
import { randomBytes } from 'node:crypto';
import { publicRooms } from '../../sdk/parley.js';
import { join, freshRoom, until, isMain, runMain } from '../shared/parley.mjs';

/**
 * Every public room, page after page (`pageSize` rooms a request): [{roomId, title, members,
 * lastActivity}] sorted by room id. `token`: any valid token, or a provider of one.
 */
export async function allPublicRooms({ httpUrl, token, pageSize = 100 }) {
  const rooms = [];
  let after = null;
  do {
    const page = await publicRooms({ url: httpUrl, token, limit: pageSize, after });
    rooms.push(...page.rooms);
    after = page.next;
  } while (after !== null);
  return rooms;
}

export class Canvas {
  #client;

  constructor(client) {
    this.#client = client;
  }

  get client() {
    return this.#client;
  }

  /** Adds a shape; resolves with its id once the room has it. */
  async add({ kind = 'rect', x, y, w = 40, h = 40, color = '#1e90ff' }) {
    const id = randomBytes(6).toString('hex');
    await this.#client.set(`shape:${id}`, { kind, x, y, w, h, color, by: this.#client.userId }, { expect: 0 });
    return id;
  }

  /**
   * Moves a shape; refused (`conflict`) if someone moved or deleted it since this client saw it.
   * `grab`: what `grab(id)` returned when the drag began (default: the shape as it is now).
   */
  move(id, x, y, grab = this.grab(id)) {
    if (!grab) return Promise.reject(new Error(`no shape ${id}`));
    return this.#client.set(`shape:${id}`, { ...grab.value, x, y }, { expect: grab.version });
  }

  /** The shape and its version, as a drag begins: {value, version}, or null. */
  grab(id) {
    const key = `shape:${id}`;
    const shape = this.#client.state.get(key);
    return shape ? { value: shape.value, version: this.#client.versionOf(key) } : null;
  }

  /** Deletes a shape; refused (`conflict`) if someone changed it since this client saw it. */
  remove(id) {
    const key = `shape:${id}`;
    return this.#client.delete(key, { expect: this.#client.versionOf(key) });
  }

  /** [{id, kind, x, y, w, h, color, by}] in the order they were last written. */
  shapes() {
    return [...this.#client.state]
      .filter(([key]) => key.startsWith('shape:'))
      .sort((a, b) => a[1].version - b[1].version)
      .map(([key, entry]) => ({ id: key.slice(6), ...entry.value }));
  }

  say(text) {
    return this.#client.chat(text);
  }

  /** The chat as lines `name: text` (text as sent: render it as text). */
  chat() {
    return this.#client.messages.map((m) => `${this.#client.members.get(m.userId)?.name ?? m.userId}: ${m.text}`);
  }
}

const describe = (rooms) => rooms.map((r) => `"${r.title}" (${r.roomId}, ${r.members} here)`).join(', ') || '(none)';

export async function scenario({ httpUrl, tokens, log, room = freshRoom('canvas') }) {
  const lobbyToken = () => tokens('ann', 'Ann');
  const rooms = await allPublicRooms({ httpUrl, token: lobbyToken });
  log(`public rooms: ${describe(rooms)}`);

  const ann = new Canvas(await join({ httpUrl, tokens, room, userId: 'ann', name: 'Ann' }));
  const bob = new Canvas(await join({ httpUrl, tokens, room, userId: 'bob', name: 'Bob' }));
  const settled = () =>
    until(() => ann.client.version === bob.client.version && !ann.client.pendingCommands && !bob.client.pendingCommands, { what: 'both in step' });
  log(`Ann and Bob draw in room "${room}"`);

  const sun = await ann.add({ kind: 'circle', x: 300, y: 60, w: 50, h: 50, color: '#f5b700' });
  const house = await ann.add({ kind: 'rect', x: 100, y: 200, w: 120, h: 90, color: '#b33f40' });
  await bob.say('nice house! moving the sun');
  await settled();
  await bob.move(sun, 420, 40);
  await settled();
  log(`  shapes: ${bob.shapes().map((s) => `${s.kind}@${s.x},${s.y}`).join(' ')}`);

  // at the same moment: Ann deletes the house, Bob drags it — Bob's move is refused, not applied
  const [removed, moved] = await Promise.allSettled([ann.remove(house), bob.move(house, 140, 210)]);
  await settled();
  log(`  Ann deletes the house (${removed.status}), Bob moves it at once (${moved.status === 'rejected' ? `refused: ${moved.reason.code}` : 'applied'})`);
  await ann.say(moved.status === 'rejected' ? 'sorry Bob, I deleted the house' : 'oops');
  await settled();
  log(`  shapes: ${ann.shapes().map((s) => `${s.kind}@${s.x},${s.y}`).join(' ')}`);
  for (const line of ann.chat()) log(`  chat  ${line}`);

  // Ann lists the canvas for others to find; the registry shows it a moment later
  await ann.client.setVisibility({ public: true, title: 'Ann and Bob draw' });
  const listed = await until(async () => (await allPublicRooms({ httpUrl, token: lobbyToken })).find((r) => r.roomId === room), {
    what: 'the room in the public room list',
  });
  log(`  public now: ${describe([listed])}`);
  ann.client.close();
  bob.client.close();
  return { rooms, listed, ann, bob, removed, moved, house };
}

if (isMain(import.meta.url)) runMain(scenario);
