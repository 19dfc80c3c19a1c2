// A WebSocket stand-in for unit tests: records what the client sends and lets the test play the
// server's part (open, frames, close) synchronously.
export function fakeSockets() {
  const sockets = [];
  class FakeSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedByClient = null;
      this.onopen = this.onmessage = this.onerror = this.onclose = null;
      sockets.push(this);
    }
    send(text) {
      if (this.readyState !== 1) throw new Error('not open');
      this.sent.push(text);
    }
    close(code) {
      if (this.readyState >= 2) return;
      this.closedByClient = code ?? 1005;
      this.readyState = 3;
    }
    /** The frames sent, parsed. */
    frames(type) {
      const all = this.sent.map((text) => JSON.parse(text));
      return type ? all.filter((frame) => frame.type === type) : all;
    }
    // ---- the server's part
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }
    receive(frame) {
      this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }
    serverClose(code = 1000) {
      this.readyState = 3;
      this.onclose?.({ code, reason: '' });
    }
    fail() {
      this.readyState = 3;
      this.onerror?.({});
      this.onclose?.({ code: 1006, reason: '' });
    }
  }
  return { FakeSocket, sockets, last: () => sockets[sockets.length - 1] };
}

/** A welcome with a snapshot. */
export function welcome({ version = 1, userId = 'ann', sessionId = 's-ann', state = {}, members, chat = [], visibility, ...rest } = {}) {
  return {
    type: 'welcome',
    protocol: 1,
    roomId: 'r',
    sessionId,
    userId,
    version,
    resumed: false,
    heartbeat: { intervalMs: 15000, idleTimeoutMs: 45000 },
    snapshot: {
      version,
      members: members ?? [
        { userId, name: 'Ann', color: '#000000', status: 'online', joinedAt: 't', lastSeen: 't', document: null, ready: false, sessions: 1 },
      ],
      state,
      chat,
      ...(visibility ? { visibility } : {}),
    },
    ...rest,
  };
}

export function resumedWelcome({ version, userId = 'ann', sessionId = 's-ann2', ...rest }) {
  return {
    type: 'welcome',
    protocol: 1,
    roomId: 'r',
    sessionId,
    userId,
    version,
    resumed: true,
    heartbeat: { intervalMs: 15000, idleTimeoutMs: 45000 },
    ...rest,
  };
}

export function setEvent(version, key, value, { userId = 'bob', id = `c${version}` } = {}) {
  return { type: 'event', version, kind: 'state.changed', userId, at: 't', id, ops: [{ op: 'set', key, value }] };
}
