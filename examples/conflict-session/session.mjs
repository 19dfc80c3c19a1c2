// A conflict-resolution session: people pick a value for each field, see where they disagree,
// mark themselves ready, and the session closes with one decision. A late joiner sees the
// current picks and ready flags at once (they are in the room's snapshot).
//
// Keys: `pick:<field>:<userId>` holds each person's pick (everyone writes only their own keys,
// so picks never overwrite each other: a disagreement is shown, never silently lost) and
// `decision` the outcome, written with compare-and-set (`expect: 0`): when two people close the
// session at once, exactly one write wins and the other adopts it.
//
// Run (against bin/parley): node --experimental-websocket examples/conflict-session/session.mjs
import { join, freshRoom, until, isMain, runMain } from '../shared/parley.mjs';

export class ResolutionSession {
  #client;

  /** `fields`: {field: [allowed values]}. */
  constructor(client, fields) {
    this.#client = client;
    this.fields = fields;
  }

  get client() {
    return this.#client;
  }

  /** Picks `value` for `field`; a changed pick takes back this person's ready flag. */
  async pick(field, value) {
    if (!this.fields[field]?.includes(value)) throw new Error(`${value} is not a choice of ${field}`);
    const me = this.#client.members.get(this.#client.userId);
    const writes = [this.#client.set(`pick:${field}:${this.#client.userId}`, value)];
    if (me?.ready) writes.push(this.#client.ready(false));
    await Promise.all(writes);
  }

  ready(flag = true) {
    return this.#client.ready(flag);
  }

  /** {field: {userId: value}} of the people in the room. */
  picks() {
    const picks = Object.fromEntries(Object.keys(this.fields).map((field) => [field, {}]));
    for (const [key, entry] of this.#client.state) {
      const [kind, field, userId] = key.split(':');
      if (kind === 'pick' && picks[field] && this.#client.members.has(userId)) picks[field][userId] = entry.value;
    }
    return picks;
  }

  /** Per field: `agreed` (everyone here picked the same), `conflict` (different picks) or `open` (someone has not picked). */
  status() {
    const here = [...this.#client.members.keys()];
    const result = {};
    for (const [field, byUser] of Object.entries(this.picks())) {
      const values = new Set(Object.values(byUser));
      if (values.size > 1) result[field] = { state: 'conflict', picks: byUser };
      else if (here.some((userId) => !(userId in byUser))) result[field] = { state: 'open', picks: byUser };
      else result[field] = { state: 'agreed', value: [...values][0] };
    }
    return result;
  }

  /** Everyone here is ready and every field is agreed. */
  get resolvable() {
    const members = [...this.#client.members.values()];
    return members.length > 0 && members.every((m) => m.ready) && Object.values(this.status()).every((s) => s.state === 'agreed');
  }

  /** The decision, once written: {values, by}. */
  get decision() {
    return this.#client.state.get('decision')?.value ?? null;
  }

  /**
   * Closes the session: writes the agreed values as `decision` if nobody did yet. When several
   * people do it at once, one write wins; the others get `conflict` and read the winner's.
   */
  async decide() {
    if (!this.resolvable) throw new Error('not everyone is ready, or a field is not agreed');
    const values = Object.fromEntries(Object.entries(this.status()).map(([field, s]) => [field, s.value]));
    try {
      await this.#client.set('decision', { values, by: this.#client.userId }, { expect: 0 });
      return { decision: this.decision, wrote: true };
    } catch (error) {
      if (error.code !== 'conflict') throw error;
      // someone else's decision is in the room; its event may still be on its way here
      await until(() => this.decision !== null, { what: 'the decision' });
      return { decision: this.decision, wrote: false };
    }
  }

  describe() {
    const names = (byUser) =>
      Object.entries(byUser)
        .map(([userId, value]) => `${this.#client.members.get(userId)?.name ?? userId}=${value}`)
        .join(' ');
    return Object.entries(this.status())
      .map(([field, s]) => `${field}: ${s.state === 'agreed' ? `agreed on ${s.value}` : `${s.state} (${names(s.picks)})`}`)
      .join('; ');
  }
}

export const FIELDS = { map: ['dust', 'mirage', 'inferno'], mode: ['5v5', '2v2'], side: ['ct', 't'] };

export async function scenario({ httpUrl, tokens, log, room = freshRoom('resolve') }) {
  const session = async (userId, name) => new ResolutionSession(await join({ httpUrl, tokens, room, userId, name }), FIELDS);
  const ann = await session('ann', 'Ann');
  const bob = await session('bob', 'Bob');
  const converged = () => until(() => ann.client.version === bob.client.version && !ann.client.pendingCommands && !bob.client.pendingCommands);
  log(`Ann and Bob resolve a match setup in room "${room}"`);

  await Promise.all([ann.pick('map', 'dust'), ann.pick('mode', '5v5'), ann.pick('side', 'ct')]);
  await Promise.all([bob.pick('map', 'mirage'), bob.pick('mode', '5v5'), bob.pick('side', 'ct')]);
  await converged();
  log(`  both picked:      ${ann.describe()}`);

  await ann.ready();
  await bob.pick('map', 'dust');
  await converged();
  log(`  Bob gives in:     ${ann.describe()}`);

  const cid = await session('cid', 'Cid');
  log(`  Cid joins late and sees at once: ${cid.describe()}; ready: ${[...cid.client.members.values()].map((m) => `${m.name}=${m.ready}`).join(' ')}`);
  await cid.pick('map', 'dust');
  await cid.pick('mode', '5v5');
  await cid.pick('side', 'ct');

  await Promise.all([bob.ready(), cid.ready()]);
  await until(() => ann.resolvable && bob.resolvable && cid.resolvable, { what: 'everyone ready and agreed' });
  // all three close the session at the same moment: one decision
  const results = await Promise.all([ann.decide(), bob.decide(), cid.decide()]);
  await until(() => [ann, bob, cid].every((s) => s.decision !== null));
  log(`  decided by ${ann.decision.by}: ${JSON.stringify(ann.decision.values)} (writes that won: ${results.filter((r) => r.wrote).length} of 3)`);
  for (const s of [ann, bob, cid]) s.client.close();
  return { results, decision: ann.decision, sessions: [ann, bob, cid] };
}

if (isMain(import.meta.url)) runMain(scenario);
