/**
 * The gateway WebSocket: HELLO → IDENTIFY → READY + GUILD_CREATE, heartbeats,
 * and dispatching events (INTERACTION_CREATE...) to identified sessions.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants as zlibConstants, createDeflate, type Deflate } from 'node:zlib';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ChangeSignal } from './interactions.js';
import { randomToken } from './payloads.js';

export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export const GatewayCloseCode = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
} as const;

export interface GatewayPayload {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

export interface IdentifyInfo {
  sessionId: string;
  intents: number;
  shard?: [number, number];
  properties?: Record<string, unknown>;
  compress: boolean;
}

/** One client connection. */
export class GatewaySession {
  sequence = 0;
  identified?: IdentifyInfo;
  /** Every payload sent to this client, in order. */
  readonly sent: GatewayPayload[] = [];
  /** Every payload received from this client, in order. */
  readonly received: GatewayPayload[] = [];
  private deflate?: Deflate;
  private deflateChunks: Buffer[] = [];
  private sendChain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    readonly zlibStream: boolean,
  ) {
    if (zlibStream) {
      this.deflate = createDeflate();
      this.deflate.on('data', (chunk: Buffer) => this.deflateChunks.push(chunk));
    }
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(payload: GatewayPayload): void {
    this.sent.push(payload);
    const text = JSON.stringify(payload);
    const deflate = this.deflate;
    if (!deflate) {
      if (this.open) this.socket.send(text);
      return;
    }
    // zlib-stream: one shared deflate context, every message ends with a Z_SYNC_FLUSH (00 00 ff ff).
    this.sendChain = this.sendChain.then(
      () =>
        new Promise<void>((resolve) => {
          deflate.write(text);
          deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
            const frame = Buffer.concat(this.deflateChunks);
            this.deflateChunks = [];
            if (this.open) this.socket.send(frame);
            resolve();
          });
        }),
    );
  }

  dispatch(t: string, d: unknown): number {
    this.sequence += 1;
    this.send({ op: GatewayOp.Dispatch, t, s: this.sequence, d });
    return this.sequence;
  }

  dispose(): void {
    this.deflate?.close();
  }
}

export interface GatewayOptions {
  token: string;
  signal: ChangeSignal;
  heartbeatIntervalMs: number;
  /** The READY `d` for a new session (without session_id / resume_gateway_url, added here). */
  buildReady: () => Record<string, unknown>;
  /** GUILD_CREATE payloads sent right after READY. */
  buildGuildCreates: () => Record<string, unknown>[];
  gatewayUrl: () => string;
}

export class GatewayServer {
  readonly sessions: GatewaySession[] = [];
  /** Number of IDENTIFYs accepted so far. */
  identifyCount = 0;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly options: GatewayOptions) {
    this.wss.on('connection', (socket: WebSocket, req: IncomingMessage) => this.onConnection(socket, req));
  }

  /** HTTP `upgrade` listener. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/gateway')) {
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Identified sessions whose socket is still open. */
  readySessions(): GatewaySession[] {
    return this.sessions.filter((s) => s.identified && s.open);
  }

  /** Sends a dispatch to every identified, open session; returns how many got it. */
  dispatch(t: string, d: unknown): number {
    const sessions = this.readySessions();
    for (const session of sessions) session.dispatch(t, d);
    return sessions.length;
  }

  /** Closes every client connection with the given close code (e.g. to test reconnects). */
  disconnectAll(code = 4000, reason = 'emulator disconnect'): void {
    for (const session of this.sessions) if (session.open) session.socket.close(code, reason);
  }

  async close(): Promise<void> {
    for (const session of this.sessions) {
      session.dispose();
      session.socket.terminate();
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const session = new GatewaySession(socket, url.searchParams.get('compress') === 'zlib-stream');
    this.sessions.push(session);
    socket.on('message', (data: RawData, isBinary: boolean) => this.onMessage(session, data, isBinary));
    socket.on('close', () => {
      session.dispose();
      this.options.signal.notify();
    });
    socket.on('error', () => {
      /* client went away; nothing to do */
    });
    session.send({ op: GatewayOp.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null });
  }

  private onMessage(session: GatewaySession, data: RawData, isBinary: boolean): void {
    let payload: GatewayPayload;
    try {
      if (isBinary) throw new Error('binary (ETF) payloads are not supported');
      payload = JSON.parse(rawToString(data)) as GatewayPayload;
    } catch {
      session.socket.close(GatewayCloseCode.DecodeError, 'Error while decoding payload.');
      return;
    }
    session.received.push(payload);

    switch (payload.op) {
      case GatewayOp.Heartbeat:
        session.send({ op: GatewayOp.HeartbeatAck, d: null });
        break;
      case GatewayOp.Identify:
        this.onIdentify(session, payload.d as Record<string, unknown>);
        break;
      case GatewayOp.Resume:
        // Sessions are not kept: tell the client to identify again.
        session.send({ op: GatewayOp.InvalidSession, d: false });
        break;
      case GatewayOp.PresenceUpdate:
      case GatewayOp.VoiceStateUpdate:
      case GatewayOp.RequestGuildMembers:
        if (!session.identified) session.socket.close(GatewayCloseCode.NotAuthenticated, 'Not authenticated.');
        break;
      default:
        session.socket.close(GatewayCloseCode.UnknownOpcode, 'Unknown opcode.');
    }
    this.options.signal.notify();
  }

  private onIdentify(session: GatewaySession, d: Record<string, unknown>): void {
    if (session.identified) {
      session.socket.close(GatewayCloseCode.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const token = String(d?.token ?? '').replace(/^Bot\s+/i, '');
    if (token !== this.options.token) {
      session.socket.close(GatewayCloseCode.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const sessionId = randomToken(16);
    session.identified = {
      sessionId,
      intents: Number(d.intents ?? 0),
      shard: Array.isArray(d.shard) ? (d.shard as [number, number]) : undefined,
      properties: d.properties as Record<string, unknown> | undefined,
      compress: d.compress === true,
    };
    this.identifyCount += 1;
    session.dispatch('READY', {
      ...this.options.buildReady(),
      session_id: sessionId,
      resume_gateway_url: this.options.gatewayUrl(),
      ...(session.identified.shard ? { shard: session.identified.shard } : {}),
    });
    // GUILD_CREATE needs the Guilds intent (1 << 0), like on Discord.
    if ((session.identified.intents & 1) !== 0) {
      for (const guild of this.options.buildGuildCreates()) session.dispatch('GUILD_CREATE', guild);
    }
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
