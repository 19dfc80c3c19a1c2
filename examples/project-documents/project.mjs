// A project with several documents of different types, and cursors per document.
//
// One room per project. The documents are state keys `doc:<id>` ({title, type}); their content
// is in keys of their own (`md:<doc>`, `cell:<doc>:<A1>`, `shape:<doc>:<id>`). A member declares
// the document it looks at with `focus({id, type})`: the type is the app's own vocabulary (`md`,
// `spreadsheet`, `canvas`, or a new one tomorrow), Parley stores and relays it. Cursors carry the
// document they are in, so each document view shows only its own cursors.
//
// Run (against bin/parley): node --experimental-websocket examples/project-documents/project.mjs
import { join, freshRoom, until, isMain, runMain } from '../shared/parley.mjs';

export class ProjectSession {
  #client;
  #open = null; // {id, type}

  constructor(client) {
    this.#client = client;
  }

  get client() {
    return this.#client;
  }

  /** Creates a document (once: a second creation of the same id is refused). */
  create(id, type, title) {
    return this.#client.set(`doc:${id}`, { type, title }, { expect: 0 });
  }

  /** {id: {type, title}} */
  documents() {
    const documents = {};
    for (const [key, entry] of this.#client.state) if (key.startsWith('doc:')) documents[key.slice(4)] = entry.value;
    return documents;
  }

  /** Opens a document: the others see this member in it, with its type. */
  async open(id) {
    const document = this.documents()[id];
    if (!document) throw new Error(`no document ${id}`);
    this.#open = { id, type: document.type };
    await this.#client.focus(this.#open);
  }

  /** Closes the document: focuses nothing. */
  async closeDocument() {
    this.#open = null;
    await this.#client.focus(null);
  }

  get current() {
    return this.#open;
  }

  /** Moves this member's cursor in the document it has open. */
  pointAt(x, y) {
    if (!this.#open) throw new Error('open a document first');
    this.#client.cursor(x, y, this.#open.id);
  }

  /** The members looking at document `id`: [{userId, name, type}]. */
  viewers(id) {
    return [...this.#client.members.values()]
      .filter((member) => member.document?.id === id)
      .map((member) => ({ userId: member.userId, name: member.name, type: member.document.type }));
  }

  /**
   * The other members' cursors in document `id`: [{userId, x, y}]. A cursor counts only while
   * its member still has that document open (a cursor is the last position sent, kept until the
   * member moves it elsewhere).
   */
  cursorsIn(id) {
    return [...this.#client.cursors.values()]
      .filter((cursor) => cursor.document === id && this.#client.members.get(cursor.userId)?.document?.id === id)
      .map((cursor) => ({ userId: cursor.userId, x: cursor.x, y: cursor.y }));
  }

  // ---- content, per type

  /** md: the whole text, compare-and-set against the version this edit started from. */
  editText(id, text, { expect } = {}) {
    return this.#client.set(`md:${id}`, text, { expect: expect ?? this.#client.versionOf(`md:${id}`) });
  }

  text(id) {
    return this.#client.state.get(`md:${id}`)?.value ?? '';
  }

  /** spreadsheet: one cell. */
  setCell(id, cell, value) {
    return this.#client.set(`cell:${id}:${cell}`, value);
  }

  cells(id) {
    const cells = {};
    const prefix = `cell:${id}:`;
    for (const [key, entry] of this.#client.state) if (key.startsWith(prefix)) cells[key.slice(prefix.length)] = entry.value;
    return cells;
  }

  describe() {
    return Object.entries(this.documents())
      .map(([id, doc]) => {
        const viewers = this.viewers(id).map((v) => v.name).join(', ') || 'nobody';
        const cursors = this.cursorsIn(id).map((c) => `${this.#client.members.get(c.userId)?.name}@${c.x},${c.y}`).join(' ');
        return `${id} (${doc.type}): ${viewers}${cursors ? `; cursors ${cursors}` : ''}`;
      })
      .join(' | ');
  }
}

export async function scenario({ httpUrl, tokens, log, room = freshRoom('project') }) {
  const session = async (userId, name) => new ProjectSession(await join({ httpUrl, tokens, room, userId, name }));
  const ann = await session('ann', 'Ann');
  const bob = await session('bob', 'Bob');
  await Promise.all([
    ann.create('spec', 'md', 'Specification'),
    ann.create('budget', 'spreadsheet', 'Budget'),
    ann.create('board', 'canvas', 'Whiteboard'),
  ]);
  await until(() => Object.keys(bob.documents()).length === 3);
  log(`project room "${room}": ${Object.entries(ann.documents()).map(([id, d]) => `${id} (${d.type})`).join(', ')}`);

  await ann.open('spec');
  await bob.open('budget');
  ann.pointAt(12, 3);
  bob.pointAt(2, 7);
  await until(() => ann.cursorsIn('budget').length === 1 && bob.cursorsIn('spec').length === 1, { what: 'cursors' });
  log(`  ${ann.describe()}`);

  await ann.editText('spec', '# Goals\n- ship the demo');
  await bob.setCell('budget', 'B2', 1200);
  log('Bob switches to the spec: his cursor goes with him');
  await bob.open('spec');
  bob.pointAt(4, 1);
  await until(() => ann.cursorsIn('spec').some((c) => c.userId === 'bob' && c.x === 4) && ann.cursorsIn('budget').length === 0, { what: 'Bob in the spec' });
  log(`  ${ann.describe()}`);

  // a new document type needs no server change: the type is the app's word
  const cid = await session('cid', 'Cid');
  await cid.create('flow', 'diagram', 'Flow');
  await cid.open('flow');
  await until(() => ann.viewers('flow').length === 1);
  log(`Cid joins and opens a new kind of document: ${ann.viewers('flow').map((v) => `${v.name} in flow (${v.type})`).join()}`);
  log(`  spec text: ${JSON.stringify(cid.text('spec'))}, budget cells: ${JSON.stringify(cid.cells('budget'))}`);
  for (const s of [ann, bob, cid]) s.client.close();
  return { sessions: [ann, bob, cid] };
}

if (isMain(import.meta.url)) runMain(scenario);
