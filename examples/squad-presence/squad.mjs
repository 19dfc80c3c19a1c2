// A squad presence list that never shows zombies.
//
// The roster is the room's member list and nothing else: no map of connections to users kept
// on the side (which is what goes stale when a process dies). A member whose connection is lost
// is shown `away` at once and disappears when the grace period ends; one that reconnects in time
// comes back without a leave and a join.
//
// Run (against bin/parley): node --experimental-websocket examples/squad-presence/squad.mjs
//   Ann watches the squad; Bob joins from a second process, which is then killed (kill -9): Bob
//   is away at once and gone after the grace period (10 s by default).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join, freshRoom, until, isMain, runMain, DEFAULT_URL, developmentTokens } from '../shared/parley.mjs';

/** The squad as a list: every member of the room with its status, nothing else. */
export class SquadRoster {
  #client;
  #listeners = new Set();

  constructor(client) {
    this.#client = client;
    client.on('presence', () => this.#changed());
    client.on('snapshot', () => this.#changed());
  }

  /** [{userId, name, status: 'online' | 'away', awaySince?, sessions}], in the order they joined. */
  get members() {
    return [...this.#client.members.values()].map((member) => ({
      userId: member.userId,
      name: member.name,
      status: member.status,
      ...(member.awaySince ? { awaySince: member.awaySince } : {}),
      sessions: member.sessions,
    }));
  }

  statusOf(userId) {
    return this.#client.members.get(userId)?.status ?? 'gone';
  }

  /** Calls `listener(roster)` after every change; returns the function that removes it. */
  onChange(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One line: `Ann (online), Bob (away 3 s)`. */
  toString(now = Date.now()) {
    if (this.#client.members.size === 0) return '(nobody)';
    return this.members
      .map((member) => {
        if (member.status === 'away') {
          const seconds = Math.max(0, Math.round((now - Date.parse(member.awaySince)) / 1000));
          return `${member.name} (away ${seconds} s)`;
        }
        return `${member.name} (online${member.sessions > 1 ? `, ${member.sessions} tabs` : ''})`;
      })
      .join(', ');
  }

  #changed() {
    for (const listener of this.#listeners) listener(this);
  }
}

/**
 * A squad member in a process of its own (this file with `--member`): it joins and stays until
 * the process ends. Resolves with the child process once the member is in the room.
 */
export function memberProcess({ httpUrl, room, userId, name, token }) {
  const child = spawn(process.execPath, ['--experimental-websocket', fileURLToPath(import.meta.url), '--member', room, userId, name], {
    env: { ...process.env, PARLEY_URL: httpUrl, PARLEY_MEMBER_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('joined')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`the member process exited (${code}) before it joined`)));
  });
}

async function member() {
  const [room, userId, name] = process.argv.slice(3);
  const token = process.env.PARLEY_MEMBER_TOKEN;
  const tokens = token ? async () => token : developmentTokens(DEFAULT_URL);
  await join({ httpUrl: DEFAULT_URL, tokens, room, userId, name });
  console.log('joined');
  setInterval(() => {}, 1 << 30); // stays until killed
}

/** The command-line story: a member's process dies; the roster shows it away, then gone. */
export async function scenario({ httpUrl, tokens, log, room = freshRoom('squad') }) {
  const ann = await join({ httpUrl, tokens, room, userId: 'ann', name: 'Ann' });
  const roster = new SquadRoster(ann);
  let last = '';
  roster.onChange(() => {
    const line = roster.toString();
    if (line !== last) log(`  roster: ${(last = line)}`);
  });
  log(`Ann watches squad room "${room}"`);
  log(`  roster: ${(last = roster.toString())}`);

  log('Bob joins from another process');
  const bob = await memberProcess({ httpUrl, room, userId: 'bob', name: 'Bob', token: await tokens('bob', 'Bob') });
  await until(() => roster.statusOf('bob') === 'online', { what: 'Bob online' });

  const departures = [];
  ann.on('presence', (change) => change.type === 'left' && departures.push(change));
  log('Bob’s process is killed (kill -9): his connection is lost, not closed');
  bob.kill('SIGKILL');
  await until(() => roster.statusOf('bob') === 'away', { what: 'Bob away' });
  log('waiting for the grace period to end (10 s by default)…');
  await until(() => roster.statusOf('bob') === 'gone', { timeoutMs: 120000, what: 'Bob gone' });
  const left = departures.find((change) => change.userId === 'bob');
  log(`Bob left (${left.reason}): the roster shows only who is really here`);
  ann.close();
  return { roster: roster.members, left };
}

if (isMain(import.meta.url)) {
  if (process.argv[2] === '--member') member();
  else runMain(scenario);
}
