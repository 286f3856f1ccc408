// The connection to statuskit's live feed: the WebSocket text protocol first, Server-Sent Events
// when the WebSocket cannot connect. Pushes arrive as `{topic, id, data}` (WebSocket) or as SSE
// events named after their topic; both reach `onTopic(topic, data)`.

const CREDENTIAL_KEY = 'statuskit.credential';
const MAX_BACKOFF_MS = 15_000;
/** WebSocket attempts refused at once (a server restarting) before SSE is tried instead. */
const WS_ATTEMPTS_BEFORE_SSE = 2;
/** A handshake nobody answers (a proxy that swallows upgrades) is given up after this long, for SSE. */
const WS_OPEN_TIMEOUT_MS = 4000;

/** The credential lives in sessionStorage only: gone when the tab closes, never sent to other origins. */
export const credentialStore = {
  get() {
    try {
      return sessionStorage.getItem(CREDENTIAL_KEY) ?? undefined;
    } catch {
      return undefined;
    }
  },
  set(value) {
    try {
      sessionStorage.setItem(CREDENTIAL_KEY, value);
    } catch {
      // Storage refused (private mode quotas): the credential then lasts as long as the connection.
    }
  },
  clear() {
    try {
      sessionStorage.removeItem(CREDENTIAL_KEY);
    } catch {
      // Nothing stored.
    }
  },
};

/**
 * @typedef {{
 *   onTopic(topic: string, data: unknown): void,  // history command answers arrive as `history`
 *   onState(state: 'connecting'|'live'|'reconnecting'|'offline', transport?: string): void,
 *   onNeedAuth(reason: string): void,
 *   onAuthenticated(): void,
 *   onRefused(topic: string, code: string): void,
 * }} FeedHandlers
 */

export class Feed {
  /**
   * @param {{ feedPath: string|false, ssePath: string|false, transport?: string, topics: [string, string|undefined][], historyRange?: string }} options
   * @param {FeedHandlers} handlers
   */
  constructor(options, handlers) {
    this.options = options;
    this.handlers = handlers;
    this.failedOpens = 0;
    this.backoff = 1000;
    this.socket = undefined;
    this.source = undefined;
    this.pendingCredential = undefined;
    this.stopped = false;
    /** When the last message of any kind arrived (the page shows the data as stale past a while). */
    this.lastMessageAt = undefined;
    /** When the next reconnection attempt is due, while one is scheduled. */
    this.retryAt = undefined;
    this.transport = undefined;
  }

  /**
   * Asks for another range of the history: a `history` command over the WebSocket; over SSE, which
   * has no commands, a new stream whose replay covers that range.
   */
  setHistoryRange(range) {
    this.options.historyRange = range;
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(`history all ${range}`);
    else if (this.source) {
      this.source.close();
      this.source = undefined;
      this.connectSse();
    }
  }

  start() {
    this.askedForAuth = false;
    const preferSse = this.options.transport === 'sse' && this.options.ssePath;
    if (this.options.feedPath && typeof WebSocket === 'function' && !preferSse) this.connectSocket();
    else this.connectSse();
  }

  /** Sends a credential: stored only once the feed has accepted it. */
  authenticate(credential) {
    this.pendingCredential = credential;
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(`auth ${credential}`);
    else this.reconnectNow();
  }

  signOut() {
    credentialStore.clear();
    this.reconnectNow();
  }

  reconnectNow() {
    this.backoff = 1000;
    this.closeAll();
    this.start();
  }

  closeAll() {
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'reconnecting');
    this.source?.close();
    this.source = undefined;
    clearTimeout(this.retryTimer);
    this.retryAt = undefined;
  }

  // ── WebSocket ────────────────────────────────────────────────────────────────────────────

  connectSocket() {
    const url = new URL(this.options.feedPath, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.handlers.onState('connecting');
    let opened = false;
    const socket = new WebSocket(url);
    this.socket = socket;
    const openTimer = setTimeout(() => {
      this.failedOpens = WS_ATTEMPTS_BEFORE_SSE;
      socket.close();
    }, WS_OPEN_TIMEOUT_MS);
    socket.addEventListener('open', () => {
      clearTimeout(openTimer);
      opened = true;
      this.failedOpens = 0;
      this.backoff = 1000;
      this.transport = 'WebSocket';
      this.lastMessageAt = Date.now();
      this.handlers.onState('live', 'WebSocket');
      const credential = this.pendingCredential ?? credentialStore.get();
      this.pendingCredential = credential;
      if (credential) socket.send(`auth ${credential}`);
      else this.subscribeAll();
    });
    socket.addEventListener('message', (event) => {
      if (socket === this.socket) this.receive(String(event.data));
    });
    socket.addEventListener('close', () => {
      clearTimeout(openTimer);
      if (socket !== this.socket || this.stopped) return;
      this.socket = undefined;
      if (!opened) this.failedOpens++;
      if (!opened && this.failedOpens >= WS_ATTEMPTS_BEFORE_SSE && this.options.ssePath) {
        this.connectSse();
        return;
      }
      this.retry(() => this.connectSocket());
    });
  }

  subscribeAll() {
    for (const [topic, interval] of this.options.topics) {
      this.socket?.send(interval ? `subscribe ${topic} ${interval}` : `subscribe ${topic}`);
    }
    // The subscription's first push is the default range; another one is asked for on its own.
    const range = this.options.historyRange;
    if (range && range !== '15m' && this.options.topics.some(([topic]) => topic === 'history'))
      this.socket?.send(`history all ${range}`);
  }

  receive(text) {
    this.lastMessageAt = Date.now();
    if (text === 'ok') return this.authAccepted();
    if (text === 'pong') return;
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      // A server with plain-text errors (seed 003 style) answers a failed `auth` with bare text.
      if (this.pendingCredential) this.authRefused(text);
      return;
    }
    if (message && typeof message === 'object' && typeof message.topic === 'string' && 'data' in message) {
      this.handlers.onTopic(message.topic, message.data);
    } else if (message?.kind === 'window' && Array.isArray(message.history)) {
      this.handlers.onTopic('history', message);
    } else if (message && typeof message.error === 'string') {
      this.refused(message);
    }
  }

  authAccepted() {
    if (this.pendingCredential) credentialStore.set(this.pendingCredential);
    this.pendingCredential = undefined;
    this.handlers.onAuthenticated();
    this.subscribeAll();
  }

  authRefused(message) {
    this.pendingCredential = undefined;
    credentialStore.clear();
    this.handlers.onNeedAuth(message || 'The credential was refused.');
  }

  refused({ error, message }) {
    if (error === 'unauthorized' || error === 'bad_request') return this.authRefused(message);
    if (error === 'unauthenticated' || error === 'auth_timeout') {
      // Every queued command is refused the same way: ask once.
      if (!this.askedForAuth) this.handlers.onNeedAuth('The feed needs an API key or a token.');
      this.askedForAuth = true;
      return;
    }
    const topic = /\b(status|sysinfo|cpu|network|requests|logs|metrics|history)\b/.exec(message ?? '')?.[1];
    this.handlers.onRefused(topic ?? '', error);
  }

  // ── Server-Sent Events ───────────────────────────────────────────────────────────────────

  /**
   * One stream for every topic. The server refuses a whole stream when one topic is not visible to
   * the viewer (or not served), so a refused stream is retried with the status alone.
   */
  connectSse(topics = this.options.topics.map(([topic]) => topic)) {
    if (!this.options.ssePath || typeof EventSource !== 'function') {
      this.handlers.onState('offline');
      this.retry(() => this.options.feedPath && this.connectSocket());
      return;
    }
    const url = new URL(this.options.ssePath, location.href);
    url.searchParams.set('topics', topics.join(','));
    if (this.options.historyRange && topics.includes('history'))
      url.searchParams.set('history', this.options.historyRange);
    this.handlers.onState('connecting');
    const source = new EventSource(url);
    this.source = source;
    let opened = false;
    source.addEventListener('open', () => {
      opened = true;
      this.backoff = 1000;
      this.transport = 'SSE';
      this.lastMessageAt = Date.now();
      this.handlers.onState('live', 'SSE');
    });
    for (const topic of topics) {
      source.addEventListener(topic, (event) => {
        this.lastMessageAt = Date.now();
        try {
          this.handlers.onTopic(topic, JSON.parse(event.data));
        } catch {
          // A malformed event is skipped; the next one replaces it.
        }
      });
    }
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) {
        this.handlers.onState('reconnecting', 'SSE');
        return;
      }
      // Closed for good (a 401/403/404).
      source.close();
      if (this.source !== source) return;
      this.source = undefined;
      if (!opened && topics.length > 1) {
        for (const topic of topics) if (topic !== 'status') this.handlers.onRefused(topic, 'forbidden');
        this.connectSse(['status']);
        return;
      }
      this.handlers.onState('offline');
      this.failedOpens = 0;
      const preferSse = this.options.transport === 'sse' || !this.options.feedPath;
      this.retry(() => (preferSse ? this.connectSse() : this.connectSocket()));
    });
  }

  retry(connect) {
    this.handlers.onState('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryAt = Date.now() + this.backoff;
    this.retryTimer = setTimeout(() => {
      this.retryAt = undefined;
      connect();
    }, this.backoff);
    this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
  }
}
