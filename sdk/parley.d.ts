// Type declarations of @parley/client (parley.js). Protocol: docs/PROTOCOL.md of Parley.

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION: 1;

/** Any JSON value (a state value is at most 8 KiB encoded and 16 levels deep). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Status = 'idle' | 'connecting' | 'open' | 'joined' | 'reconnecting' | 'closed' | 'failed';

export type Permission = 'read' | 'write' | 'admin';

/** A document a member focuses, in the client's own vocabulary (`canvas`, `spreadsheet`…). */
export interface FocusedDocument {
  readonly id: string;
  readonly type: string;
}

export interface Member {
  readonly userId: string;
  readonly name: string;
  readonly color: string;
  readonly status: 'online' | 'away';
  readonly joinedAt: string;
  readonly lastSeen: string;
  /** When the member's last connection was lost (status `away`). */
  readonly awaySince?: string;
  readonly document: FocusedDocument | null;
  readonly ready: boolean;
  /** Open connections (tabs, devices) of the member. */
  readonly sessions: number;
}

export interface StateEntry {
  readonly value: Json;
  /** The room version that last wrote the key (for an unanswered local change: the version it was made on). */
  readonly version: number;
  readonly updatedBy: string;
  /** ISO-8601; null for an unanswered local change. */
  readonly updatedAt: string | null;
  /** True while the value is this client's own change that the server has not confirmed yet. */
  readonly pending?: true;
}

export interface ChatMessage {
  readonly id: string;
  readonly userId: string;
  readonly text: string;
  readonly at: string;
  readonly version: number;
}

export interface Cursor {
  readonly userId: string;
  readonly sessionId: string;
  readonly x: number;
  readonly y: number;
  readonly document?: string;
}

/** Whether a room is listed in the public rooms: a public room has a title (1–100 characters), a private one none. */
export interface Visibility {
  readonly public: boolean;
  readonly title: string | null;
}

/** A room of the public room registry (`GET /v1/rooms?public=true`). */
export interface PublicRoom {
  readonly roomId: string;
  readonly title: string;
  /** Members (online or away) when the registry last counted. */
  readonly members: number;
  /** ISO-8601: the room's last change the registry saw. */
  readonly lastActivity: string;
}

/** One page of the public rooms, sorted by room id. */
export interface PublicRoomPage {
  readonly rooms: readonly PublicRoom[];
  /** The `after` of the next page; null on the last one. */
  readonly next: string | null;
}

export interface PublicRoomsPageOptions {
  /** Rooms per page, 1–100 (the server's default: 50). */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string | null;
  /** The fetch implementation (default: globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
}

export interface PublicRoomsOptions extends PublicRoomsPageOptions {
  /** The server, as for ParleyClient. Default in a page: its own origin. */
  url?: string;
  /** Any valid access token, or a provider of one (as the client's `token` option). Without it, none is sent. */
  token?: string | (() => string | Promise<string>);
}

/**
 * One page of the public rooms. Eventually consistent: a room made public or private shows so a
 * moment (typically a second or two) later. Rejects with a ParleyError: the server's code
 * (`invalid_field` with `field`, `unauthenticated`…) and `status`, or `network`, `token_provider`.
 */
export function publicRooms(options?: PublicRoomsOptions): Promise<PublicRoomPage>;

/** A durable event as the server sent it (`{"type":"event", …}`). */
export interface RoomEvent {
  readonly type: 'event';
  readonly version: number;
  readonly kind:
    | 'member.joined'
    | 'session.opened'
    | 'session.closed'
    | 'member.away'
    | 'member.left'
    | 'member.ready'
    | 'member.focused'
    | 'state.changed'
    | 'chat.posted'
    | 'room.visibility'
    | (string & {});
  readonly userId: string;
  readonly at: string;
  /** The id of the command that caused it. */
  readonly id?: string;
  readonly [field: string]: unknown;
}

export type StateOp =
  | { op: 'set'; key: string; value: Json; expect?: number }
  | { op: 'delete'; key: string; expect?: number };

/** The answer to a command: the version its change got. */
export interface Ack {
  readonly id: string;
  readonly version: number;
}

/** Error codes of ParleyError: the server's reject and error codes, and the client's own. */
export type ErrorCode =
  // reject codes
  | 'validation'
  | 'conflict'
  | 'not_member'
  | 'timeout'
  | 'overloaded'
  | 'rate_limited'
  | 'not_stored'
  | 'id_reused'
  | 'forbidden'
  // error codes naming a command, or reported as `error` events
  | 'bad_frame'
  | 'unknown_type'
  | 'invalid_field'
  | 'protocol_order'
  | 'join_refused'
  | 'idle_timeout'
  | 'catch_up_failed'
  | 'policy_violation'
  | 'slow_consumer'
  | 'token_expired'
  | 'refresh_refused'
  // the client's own
  | 'queue_full'
  | 'closed'
  | 'failed'
  | 'max_attempts'
  | 'frame_too_large'
  | 'invalid_argument'
  | 'token_provider'
  | 'gap'
  // publicRooms()
  | 'unauthenticated'
  | 'network'
  | 'bad_response'
  | (string & {});

export class ParleyError extends Error {
  readonly name: 'ParleyError';
  readonly code: ErrorCode;
  /** When a new attempt can succeed (rate_limited, overloaded…), in ms. */
  readonly retryAfterMs?: number;
  /** The field an `invalid_field` error names (`ops[2].value`). */
  readonly field?: string;
  /** The command id it answers. */
  readonly id?: string;
  /** publicRooms(): the HTTP status of the answer. */
  readonly status?: number;
  constructor(code: ErrorCode, message: string, details?: { retryAfterMs?: number; field?: string; id?: string; status?: number; cause?: unknown });
}

export interface ReconnectOptions {
  /** First backoff ceiling in ms (default 500); it doubles with every attempt. */
  baseMs?: number;
  /** Largest backoff ceiling in ms (default 30000). */
  capMs?: number;
  /** Attempts without a join before the client fails (default Infinity: never gives up). */
  maxAttempts?: number;
  /** A connection joined for this long (ms, default 5000) resets the attempt count. */
  stableAfterMs?: number;
}

/** A WebSocket constructor: the browser's, Node's (22+, or 20 with --experimental-websocket), or the `ws` package's. */
export type WebSocketConstructor = new (url: string) => {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code?: number }) => void) | null;
};

export interface ParleyClientOptions {
  /** The server: `wss://parley.example.com`, `http://127.0.0.1:8080`… Default in a page: its own origin. */
  url?: string;
  /** The room id: 1–64 letters, digits and `. _ : @ -`, starting with a letter or digit. */
  room: string;
  /** Who joins: `id` (the userId), display `name`, optional `#rrggbb` colour. */
  user: { id: string; name: string; color?: string };
  /** Called before every connection attempt and when the server says the token is expiring. */
  token?: () => string | Promise<string>;
  /** The WebSocket constructor (default: globalThis.WebSocket). */
  WebSocket?: WebSocketConstructor;
  reconnect?: ReconnectOptions;
  /** Commands not answered yet (sent, or waiting while disconnected) the client holds at most (default 100). */
  queueSize?: number;
  /** Cursors sent at most per second (default 20, the server's rate). */
  cursorsPerSecond?: number;
  /** Chat messages kept in `messages` (default 200). */
  chatHistory?: number;
  /** How often a command rejected with rate_limited, overloaded or timeout is sent again by the client (default 5). */
  commandRetries?: number;
  /** Time for a socket to open and be welcomed (ms, default 15000). */
  connectTimeoutMs?: number;
  /** Containers a state value may nest (default 16, the server's `parley.limits.value-max-depth`); deeper ones are refused locally. */
  maxValueDepth?: number;
  /** The random source of the backoff jitter (default Math.random), for tests. */
  random?: () => number;
}

export interface StatusEvent {
  readonly status: Status;
  /** `connecting`, `reconnecting`: the attempt (1 for the first reconnect). */
  readonly attempt?: number;
  /** `reconnecting`: how long the client waits before the attempt, in ms. */
  readonly delayMs?: number;
  /** Why: `connect_failed`, `socket_closed`, `node_shutting_down`, `slow_consumer`, `gap`, `max_attempts`, `client`… */
  readonly reason?: string;
  /** The error code behind it (`join_refused`, `slow_consumer`…). */
  readonly code?: string;
  /** The WebSocket close code, when a close caused it. */
  readonly closeCode?: number;
  /** `failed`: what went wrong. */
  readonly message?: string;
  /** `failed`: attempts made. */
  readonly attempts?: number;
  /** `joined`: whether the session resumed (no snapshot). */
  readonly resumed?: boolean;
  /** `joined`: the room version. */
  readonly version?: number;
  readonly sessionId?: string;
}

export interface PresenceEvent {
  /** joined, left, status (online/away), sessions (tabs), focus, ready. */
  readonly type: 'joined' | 'left' | 'status' | 'sessions' | 'focus' | 'ready';
  readonly userId: string;
  /** The member after the change (`left`: as it was). */
  readonly member: Member | null;
  /** `left`: `left` or `timed_out`. */
  readonly reason?: 'left' | 'timed_out';
}

export interface StateEvent {
  readonly key: string;
  /** The value shown now (undefined when deleted). */
  readonly value: Json | undefined;
  readonly version: number;
  readonly deleted: boolean;
  /** This client's own unconfirmed change. */
  readonly pending: boolean;
  /** `local`: an optimistic change; `server`: from the room; `rollback`: a rejected change undone. */
  readonly source: 'local' | 'server' | 'rollback';
  readonly userId?: string;
}

export interface SnapshotEvent {
  readonly version: number;
  readonly members: readonly Member[];
  readonly state: Readonly<Record<string, StateEntry>>;
  readonly messages: readonly ChatMessage[];
  readonly visibility: Visibility;
}

export interface VisibilityEvent extends Visibility {
  /** The room version of the change (of the snapshot, when a snapshot brought it). */
  readonly version: number;
  /** Who changed it; absent when a snapshot brought the change. */
  readonly userId?: string;
}

export interface PermissionEvent {
  readonly permission: Permission;
  readonly tokenExpiresAt: string;
}

export interface ParleyEvents {
  status: StatusEvent;
  connecting: StatusEvent;
  open: StatusEvent;
  joined: StatusEvent;
  reconnecting: StatusEvent;
  closed: StatusEvent;
  failed: StatusEvent;
  /** A fresh snapshot replaced the view (first join, or too far behind to resume). */
  snapshot: SnapshotEvent;
  /** Every durable event applied, in version order. */
  event: RoomEvent;
  presence: PresenceEvent;
  state: StateEvent;
  chat: ChatMessage;
  /** The room was made public (or got another title) or private. */
  visibility: VisibilityEvent;
  /** A batch of other sessions' cursors. */
  cursors: readonly Cursor[];
  permission: PermissionEvent;
  /** Server `error` frames not tied to a command, gaps, token provider failures. */
  error: ParleyError;
  /** Something in the view or the status changed. */
  change: undefined;
}

export interface ClientSnapshot {
  readonly status: Status;
  readonly version: number | null;
  readonly members: readonly Member[];
  readonly state: Readonly<Record<string, StateEntry>>;
  readonly messages: readonly ChatMessage[];
  readonly visibility: Visibility;
}

export class ParleyClient {
  constructor(options: ParleyClientOptions);

  readonly status: Status;
  /** The last version applied; null before the first welcome. */
  readonly version: number | null;
  readonly room: string;
  readonly userId: string;
  readonly sessionId: string | null;
  readonly permission: Permission | undefined;
  readonly tokenExpiresAt: string | undefined;
  readonly members: ReadonlyMap<string, Member>;
  readonly state: ReadonlyMap<string, StateEntry>;
  readonly messages: readonly ChatMessage[];
  readonly cursors: ReadonlyMap<string, Cursor>;
  /** Whether the room is public, and its title: `{public: false, title: null}` until the server says otherwise. */
  readonly visibility: Visibility;
  readonly pendingCommands: number;
  /** The version that last wrote `key` as the server ordered it (0: absent): what `expect` takes. */
  versionOf(key: string): number;

  /** For React: `useSyncExternalStore(client.subscribe, client.getSnapshot)`. */
  readonly getSnapshot: () => ClientSnapshot;
  readonly subscribe: (listener: () => void) => () => void;

  on<K extends keyof ParleyEvents>(type: K, listener: (payload: ParleyEvents[K]) => void): () => void;
  off<K extends keyof ParleyEvents>(type: K, listener: (payload: ParleyEvents[K]) => void): void;
  once<K extends keyof ParleyEvents>(type: K, listener: (payload: ParleyEvents[K]) => void): () => void;

  /** Starts connecting unless it already does (idempotent); returns the client. */
  connect(): this;
  /** Stops everything; `leave` (default true) sends `leave` first when joined. */
  close(options?: { leave?: boolean }): void;
  /** `close({leave: false})`: the member goes `away` for the grace period. */
  disconnect(): void;
  /**
   * Reconnects now, resuming: while waiting to reconnect, tries at once (the browser's `online`
   * event); while connecting or connected, drops the connection first (the browser's `offline`
   * event). Unanswered commands are kept.
   */
  reconnectNow(): void;
  /** Resolves once joined; rejects if the client is closed or fails first. */
  whenJoined(): Promise<this>;

  set(key: string, value: Json, options?: { expect?: number }): Promise<Ack>;
  delete(key: string, options?: { expect?: number }): Promise<Ack>;
  batch(ops: readonly StateOp[]): Promise<Ack>;
  ready(ready: boolean): Promise<Ack>;
  focus(document: FocusedDocument | null): Promise<Ack>;
  /** The message id is the ack's id. */
  chat(text: string): Promise<Ack>;
  /** Never queued: the latest position goes, at most `cursorsPerSecond`. */
  cursor(x: number, y: number, document?: string): void;
  /**
   * Makes the room public under `title` (1–100 characters, no control characters) or private
   * again; needs write permission. `visibility` changes when the room's event arrives (before the ack).
   */
  setVisibility(visibility: { public: true; title: string } | { public: false }): Promise<Ack>;
  /** One page of the public rooms of this client's server, read with this client's token provider. */
  publicRooms(options?: PublicRoomsPageOptions): Promise<PublicRoomPage>;
}

export function createClient(options: ParleyClientOptions): ParleyClient;

/** Full jitter: a delay in [0, min(capMs, baseMs · 2^(attempt-1))). */
export function backoffDelay(attempt: number, options?: { baseMs?: number; capMs?: number }, random?: () => number): number;
