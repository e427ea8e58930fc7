// @accrue/client: usage-service for a Node gateway. Same surface as the Java client (clients/java):
// AccrueClient, RetryPolicy, UsageReporter, verifyWebhook. No runtime dependencies: global fetch and node:crypto.
import { createHmac, timingSafeEqual } from "node:crypto";

/** One usage event as POST /v1/usage-events takes it; the server refuses unknown fields (`unknown_field`). */
export interface UsageEvent {
  eventId: string;
  endUserId: string;
  model: string;
  occurredAt?: string;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  reservationId?: string;
  agentSessionId?: string;
  metadata?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * accepted / duplicate / rejected / queued come from the server; buffer_full and not_delivered are the
 * reporter's own outcomes (never sent; sent but the retry policy gave up).
 */
export type EventStatus = "accepted" | "duplicate" | "rejected" | "queued" | "buffer_full" | "not_delivered";

export interface EventResult {
  index: number;
  eventId: string;
  status: EventStatus;
  code?: string;
  reason?: string;
  model?: string;
  priceVersionId?: string;
  cost?: string;
  revenue?: string;
  unpriced?: boolean;
}

export interface BatchResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  queued?: number;
  results: EventResult[];
}

export interface QuotaAnswer {
  allowed: boolean;
  flagged: boolean;
  reason?: string;
  endUserId: string;
  plan?: string;
  enforcement?: string;
  remaining?: Record<string, number | string>;
  resetsAt?: string;
}

export interface Reservation {
  id: string;
  endUserId: string;
  tokens: number;
  cost?: string;
  status: string;
  expiresAt?: string;
}

/** True when the event is counted exactly once (or will be, queued): nothing more to do for it. */
export function settled(r: EventResult): boolean {
  return r.status === "accepted" || r.status === "duplicate" || r.status === "queued";
}

/** A problem+json answer: HTTP status and the stable code of docs/errors.md. */
export class AccrueApiError extends Error {
  constructor(readonly status: number, readonly code: string, readonly detail?: string) {
    super(`${status} ${code}${detail ? ": " + detail : ""}`);
    this.name = "AccrueApiError";
  }
}

/** 429 quota_exceeded (with retryAfterSeconds) or 403 end_user_blocked / account_suspended / model_not_allowed. */
export class QuotaRefusedError extends AccrueApiError {
  constructor(status: number, readonly reason: string, detail: string | undefined, readonly retryAfterSeconds?: number) {
    super(status, reason, detail);
    this.name = "QuotaRefusedError";
  }
}

/** The retry policy gave up: unreachable, or 429/503 every time. Resending the same event ids later is safe. */
export class DeliveryError extends Error {
  constructor(message: string, readonly lastError?: unknown) {
    super(message);
    this.name = "DeliveryError";
  }
}

/**
 * Capped exponential backoff with full jitter: after failed attempt n (1-based) wait a random time in
 * [0, min(maxDelayMs, baseDelayMs * 2^(n-1))), or the server's Retry-After (capped at maxRetryAfterMs).
 */
export class RetryPolicy {
  constructor(
    readonly maxAttempts = 6,
    readonly baseDelayMs = 200,
    readonly maxDelayMs = 10_000,
    readonly maxRetryAfterMs = 60_000,
    readonly random: () => number = Math.random,
  ) {
    if (maxAttempts < 1) throw new RangeError("maxAttempts must be at least 1");
  }

  static none(): RetryPolicy {
    return new RetryPolicy(1, 0, 0);
  }

  mayRetry(attempt: number): boolean {
    return attempt < this.maxAttempts;
  }

  delayMs(attempt: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.maxRetryAfterMs);
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.floor(this.random() * ceiling);
  }
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 10.2.3), in milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface ClientOptions {
  /** usage-service base URL, e.g. https://usage.example.com */
  baseUrl: string;
  /** an Accrue API key (acr_live_…, role usage-reporter) */
  apiKey?: string;
  /** or an OIDC access token, asked for on every request (so it may refresh) */
  tokenSupplier?: () => string | Promise<string>;
  /** per attempt, default 10 s */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** waits between attempts; tests record them */
  sleep?: (ms: number) => Promise<void>;
}

interface Answer {
  status: number;
  body: string;
  retryAfterMs?: number;
}

/**
 * send() retries 429, 503 and network failures (the event ids make a resend exactly-once); quota calls retry
 * only 503 and network failures, a 429 there being the quota answer (QuotaRefusedError).
 */
export class AccrueClient {
  private readonly base: string;
  private readonly credential: () => string | Promise<string>;
  private readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: ClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
    const key = options.apiKey;
    if (key) this.credential = () => key;
    else if (options.tokenSupplier) this.credential = options.tokenSupplier;
    else throw new TypeError("apiKey or tokenSupplier is required");
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = options.retry ?? new RetryPolicy();
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Up to 1,000 events in one request; one result per event, in order. */
  async send(events: UsageEvent[]): Promise<BatchResult> {
    const body = JSON.stringify({
      events: events.map((e) => ({ ...e, occurredAt: e.occurredAt ?? new Date().toISOString() })),
    });
    const a = await this.call("POST", "/v1/usage-events", body, true);
    if (a.status === 200) return JSON.parse(a.body) as BatchResult;
    throw problem(a);
  }

  /** Sends one event that settles the reservation. */
  async settle(reservation: Reservation, event: UsageEvent): Promise<EventResult> {
    return (await this.send([{ ...event, reservationId: reservation.id }])).results[0];
  }

  async checkQuota(endUserId: string, model?: string, estimatedTokens = 0): Promise<QuotaAnswer> {
    const q = new URLSearchParams({ endUserId, estimatedTokens: String(estimatedTokens) });
    if (model) q.set("model", model);
    const a = await this.call("GET", `/v1/quota/check?${q}`, undefined, false);
    if (a.status === 200) return JSON.parse(a.body) as QuotaAnswer;
    throw refusalOrProblem(a);
  }

  async reserve(endUserId: string, model: string | undefined, estimatedTokens: number, ttlSeconds?: number): Promise<Reservation> {
    const req: Record<string, unknown> = { endUserId };
    if (model) req.model = model;
    req.estimatedTokens = estimatedTokens;
    if (ttlSeconds !== undefined) req.ttlSeconds = ttlSeconds;
    const a = await this.call("POST", "/v1/quota/reservations", JSON.stringify(req), false);
    if (a.status === 201 || a.status === 200) return JSON.parse(a.body) as Reservation;
    throw refusalOrProblem(a);
  }

  async release(reservationId: string): Promise<Reservation> {
    const a = await this.call("DELETE", `/v1/quota/reservations/${encodeURIComponent(reservationId)}`, undefined, false);
    if (a.status === 200) return JSON.parse(a.body) as Reservation;
    throw problem(a);
  }

  private async call(method: string, path: string, body: string | undefined, retry429: boolean): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let a: Answer;
      try {
        a = await this.once(method, path, body);
      } catch (e) {
        if (!this.retry.mayRetry(attempt)) throw new DeliveryError(`usage-service not reached after ${attempt} attempts`, e);
        await this.sleep(this.retry.delayMs(attempt));
        continue;
      }
      const retryable = a.status === 503 || (retry429 && a.status === 429);
      if (!retryable) return a;
      if (!this.retry.mayRetry(attempt)) {
        const last = problem(a);
        throw new DeliveryError(`usage-service answered ${a.status} ${last.code} ${attempt} times`, last);
      }
      await this.sleep(this.retry.delayMs(attempt, a.retryAfterMs));
    }
  }

  private async once(method: string, path: string, body: string | undefined): Promise<Answer> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${await this.credential()}`,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(this.base + path, {
      method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return { status: res.status, body: await res.text(), retryAfterMs: parseRetryAfter(res.headers.get("retry-after")) };
  }
}

function problem(a: Answer): AccrueApiError {
  let code = `http_${a.status}`;
  let detail: string | undefined;
  try {
    const p = JSON.parse(a.body) as { code?: unknown; detail?: unknown };
    if (typeof p.code === "string") code = p.code;
    if (typeof p.detail === "string") detail = p.detail;
  } catch {
    // not problem+json (a proxy's page, an empty body): the status is all there is
  }
  return new AccrueApiError(a.status, code, detail);
}

const NOT_QUOTA_403 = /^(forbidden|organisation_|environment_|api_key_)/;

function refusalOrProblem(a: Answer): AccrueApiError {
  const p = problem(a);
  if (a.status === 429 || (a.status === 403 && !NOT_QUOTA_403.test(p.code))) {
    return new QuotaRefusedError(a.status, p.code, p.detail,
      a.retryAfterMs === undefined ? undefined : Math.ceil(a.retryAfterMs / 1000));
  }
  return p;
}

export interface ReporterOptions {
  /** events per request, 1-1000 (default 500) */
  maxBatch?: number;
  /** the longest an event waits for its batch to fill (default 1000 ms) */
  maxAgeMs?: number;
  /** events buffered at most; beyond, report() answers buffer_full (default 10,000) */
  bufferCapacity?: number;
  /** hears every event's result */
  onResult?: (r: EventResult) => void;
}

interface Pending {
  event: UsageEvent;
  resolve: (r: EventResult) => void;
}

/**
 * Background batching: report() only enqueues and answers a promise of the event's result. A batch is sent
 * when maxBatch events wait or the oldest waited maxAgeMs, one request at a time; the client's policy retries
 * it; when it gives up the events resolve not_delivered. A full buffer resolves buffer_full at once.
 * close() stops taking events and flushes.
 */
export class UsageReporter {
  private readonly maxBatch: number;
  private readonly maxAgeMs: number;
  private readonly capacity: number;
  private readonly onResult: (r: EventResult) => void;
  private readonly buffer: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;
  private closed = false;

  constructor(private readonly client: AccrueClient, options: ReporterOptions = {}) {
    this.maxBatch = options.maxBatch ?? 500;
    if (this.maxBatch < 1 || this.maxBatch > 1000) throw new RangeError("maxBatch must be 1-1000");
    this.maxAgeMs = options.maxAgeMs ?? 1000;
    this.capacity = options.bufferCapacity ?? 10_000;
    this.onResult = options.onResult ?? (() => {});
  }

  report(event: UsageEvent): Promise<EventResult> {
    if (this.closed) {
      return Promise.resolve(this.finish(local(event, "not_delivered", "reporter_closed", "report() after close()")));
    }
    if (this.buffer.length >= this.capacity) {
      return Promise.resolve(this.finish(local(event, "buffer_full", "buffer_full",
        `the reporter's buffer of ${this.capacity} events is full`)));
    }
    return new Promise((resolve) => {
      this.buffer.push({ event, resolve });
      this.schedule();
    });
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** Stops taking events and sends everything buffered. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.sending || this.buffer.length > 0) {
      if (this.sending) await this.sending;
      else this.pump();
    }
  }

  private schedule(): void {
    if (this.sending) return; // the running send pumps again when it ends
    if (this.buffer.length >= this.maxBatch) {
      this.pump();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, this.maxAgeMs);
    }
  }

  private pump(): void {
    if (this.sending || this.buffer.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer.splice(0, this.maxBatch);
    this.sending = this.deliver(batch).finally(() => {
      this.sending = undefined;
      if (this.buffer.length > 0) {
        if (this.closed) this.pump();
        else this.schedule();
      }
    });
  }

  private async deliver(batch: Pending[]): Promise<void> {
    try {
      const answer = await this.client.send(batch.map((p) => p.event));
      batch.forEach((p, i) => p.resolve(this.finish(answer.results[i])));
    } catch (e) {
      // DeliveryError: the policy gave up; AccrueApiError: the whole request was refused (401…), nothing stored
      const code = e instanceof AccrueApiError ? e.code : "not_delivered";
      batch.forEach((p, i) => p.resolve(this.finish({ ...local(p.event, "not_delivered", code, String(e)), index: i })));
    }
  }

  private finish(r: EventResult): EventResult {
    try {
      this.onResult(r);
    } catch {
      // a failing listener must not stop the other events' delivery
    }
    return r;
  }
}

function local(event: UsageEvent, status: EventStatus, code: string, reason: string): EventResult {
  return { index: 0, eventId: event.eventId, status, code, reason };
}

/** Thrown by verifyWebhook: answer 400/401 and do not process the webhook. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

export const WEBHOOK_TOLERANCE_SECONDS = 300;

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: HeaderBag, name: string): string {
  let v: string | string[] | null | undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    v = (headers as { get(name: string): string | null }).get(name);
  } else {
    const bag = headers as Record<string, string | string[] | undefined>;
    const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
    v = key === undefined ? undefined : bag[key];
  }
  if (Array.isArray(v)) v = v[0];
  if (!v) throw new WebhookVerificationError(`missing header ${name}`);
  return v;
}

function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

/** The webhook-signature value for these parts (senders and tests). */
export function signWebhook(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac("sha256", webhookKey(secret)).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return `v1,${mac}`;
}

/**
 * Standard Webhooks: webhook-id, webhook-timestamp (unix seconds, at most 5 minutes from nowSeconds),
 * webhook-signature (space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`). Pass the raw body as
 * received. Answers the webhook id (de-duplicate on it) or throws WebhookVerificationError.
 */
export function verifyWebhook(secret: string, headers: HeaderBag, body: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000)): string {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError("webhook-timestamp is not unix seconds");
  if (Math.abs(nowSeconds - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookVerificationError("webhook-timestamp is more than 5 minutes from now");
  }
  const expected = createHmac("sha256", webhookKey(secret)).update(`${id}.${timestamp}.`).update(body).digest();
  for (const entry of signatures.trim().split(/ +/)) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const given = Buffer.from(entry.slice(comma + 1), "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return id;
  }
  throw new WebhookVerificationError("no v1 signature matches");
}
