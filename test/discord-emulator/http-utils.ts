/**
 * Small HTTP helpers: Discord-style API errors, body parsing (JSON and multipart/form-data)
 * and a minimal path router with `:param` segments.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UploadedFile } from './payloads.js';

/** An error answered as a Discord JSON error body: `{ message, code, errors? }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}

/** An OAuth2 endpoint error, answered the RFC 6749 way: `{ error, error_description? }`. */
export class OAuthError extends ApiError {
  constructor(
    status: number,
    readonly error: string,
    readonly description?: string,
  ) {
    super(status, 0, description ?? error);
  }

  override toJSON(): Record<string, unknown> {
    return this.description === undefined ? { error: this.error } : { error: this.error, error_description: this.description };
  }
}

export const Errors = {
  unauthorized: () => new ApiError(401, 0, '401: Unauthorized'),
  notFound: () => new ApiError(404, 0, '404: Not Found'),
  unknownChannel: () => new ApiError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => new ApiError(404, 10004, 'Unknown Guild'),
  unknownMember: () => new ApiError(404, 10007, 'Unknown Member'),
  unknownMessage: () => new ApiError(404, 10008, 'Unknown Message'),
  unknownUser: () => new ApiError(404, 10013, 'Unknown User'),
  unknownWebhook: () => new ApiError(404, 10015, 'Unknown Webhook'),
  unknownCommand: () => new ApiError(404, 10063, 'Unknown application command'),
  unknownInteraction: () => new ApiError(404, 10062, 'Unknown interaction'),
  notAuthorizedForApplication: () => new ApiError(403, 20012, 'You are not authorized to perform this action on this application'),
  missingAccess: () => new ApiError(403, 50001, 'Missing Access'),
  emptyMessage: () => new ApiError(400, 50006, 'Cannot send an empty message'),
  cannotDmUser: () => new ApiError(403, 50007, 'Cannot send messages to this user'),
  invalidWebhookToken: () => new ApiError(401, 50027, 'Invalid Webhook Token'),
  alreadyAcknowledged: () => new ApiError(400, 40060, 'Interaction has already been acknowledged.'),
  invalidFormBody: (errors: unknown) => new ApiError(400, 50035, 'Invalid Form Body', errors),
  badJson: () => new ApiError(400, 50109, 'The request body contains invalid JSON.'),
};

/** `{ a: { b: { _errors: [...] } } }` for path `a.b`, the shape Discord uses for 50035. */
export function formError(path: string, code: string, message: string): Record<string, unknown> {
  const leaf: Record<string, unknown> = { _errors: [{ code, message }] };
  return path.split('.').reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), leaf);
}

export interface ParsedBody {
  json: unknown;
  files: UploadedFile[];
  raw: Buffer;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  if (raw.length === 0) return { json: undefined, files: [], raw };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return { ...parseMultipart(raw, contentType ?? ''), raw };
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { json: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), files: [], raw };
  }
  if (type.startsWith('application/json') || type === '') {
    try {
      return { json: JSON.parse(raw.toString('utf8')), files: [], raw };
    } catch {
      throw Errors.badJson();
    }
  }
  return { json: undefined, files: [], raw };
}

/** Parses discord.js' multipart bodies: a `payload_json` field plus `files[n]` parts. */
function parseMultipart(raw: Buffer, contentType: string): { json: unknown; files: UploadedFile[] } {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw Errors.invalidFormBody(formError('_body', 'MISSING_BOUNDARY', 'multipart boundary missing'));
  const delimiter = Buffer.from(`--${boundary}`);
  const files: UploadedFile[] = [];
  const fields: Record<string, string> = {};
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (raw.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Part = CRLF headers CRLF CRLF body CRLF
    const part = raw.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const data = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      const partType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
      if (filename !== undefined) files.push({ field: name, filename, contentType: partType, data: Buffer.from(data) });
      else fields[name] = data.toString('utf8');
    }
    start = next;
  }
  let json: unknown;
  if (fields.payload_json !== undefined) {
    try {
      json = JSON.parse(fields.payload_json);
    } catch {
      throw Errors.badJson();
    }
  }
  return { json, files };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined || status === 204) {
    res.writeHead(status === 200 && body === undefined ? 204 : status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/* ------------------------------------------------------------------ router */

/** Who may call a route: the bot token, an OAuth2 Bearer token, either, or anyone. */
export type AuthMode = 'bot' | 'bearer' | 'bot-or-bearer' | 'none';

/** The caller of a route, once its Authorization header was checked. */
export type Caller =
  | { kind: 'bot' }
  | { kind: 'bearer'; userId: string; scopes: readonly string[]; expiresAt: number }
  | { kind: 'anonymous' };

export interface RouteRequest {
  method: string;
  /** Decoded path below `/api/v10`, e.g. `/webhooks/1/abc/messages/@original`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  files: UploadedFile[];
  caller: Caller;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: RouteRequest) => RouteResult | Promise<RouteResult>;

interface Route {
  method: string;
  segments: string[];
  auth: AuthMode;
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, auth: AuthMode, handler: RouteHandler): this {
    this.routes.push({ method, segments: splitPath(pattern), auth, handler });
    return this;
  }

  /** Finds the route for a decoded path; literal segments win over `:params`. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const segments = splitPath(path);
    let best: { route: Route; params: Record<string, string>; score: number } | undefined;
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      route.segments.forEach((seg, i) => {
        const actual = segments[i] ?? '';
        if (seg.startsWith(':')) params[seg.slice(1)] = actual;
        else if (seg === actual) score++;
        else ok = false;
      });
      if (ok && (!best || score > best.score)) best = { route, params, score };
    }
    return best && { route: best.route, params: best.params };
  }
}

/** Splits and URL-decodes a path (`%40original` → `@original`). */
export function splitPath(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}
