import { test } from "node:test";
import assert from "node:assert/strict";
import { AccrueApiError, AccrueClient, DeliveryError, parseRetryAfter, QuotaRefusedError, RetryPolicy, settled } from "../../src/index";
import { acceptAll, problem, stub } from "./stub";

const events = [
  { eventId: "e1", endUserId: "u1", model: "gpt-4o", inputTokens: 10 },
  { eventId: "e2", endUserId: "u1", model: "gpt-4o", inputTokens: 1 },
];

test("backoff: the ceiling doubles up to the cap, full jitter below it, Retry-After honoured up to its cap", () => {
  const top = new RetryPolicy(20, 100, 1000, 30_000, () => 0.999999);
  assert.deepEqual([1, 2, 3, 4, 5, 6, 1000].map((a) => top.delayMs(a)), [99, 199, 399, 799, 999, 999, 999]);
  assert.equal(new RetryPolicy(5, 100, 1000, 30_000, () => 0.5).delayMs(4), 400);
  const real = new RetryPolicy(5, 100, 1000);
  for (let i = 0; i < 1000; i++) {
    const d = real.delayMs(3);
    assert.ok(d >= 0 && d < 400, String(d));
  }
  assert.equal(top.delayMs(1, 7000), 7000);
  assert.equal(top.delayMs(1, 3_600_000), 30_000);
  assert.equal(RetryPolicy.none().mayRetry(1), false);
  assert.equal(parseRetryAfter("12"), 12_000);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
  assert.equal(parseRetryAfter("soon"), undefined);
});

test("a batch is posted with the key and answered per event", async () => {
  const s = await stub(acceptAll);
  try {
    const c = new AccrueClient({ baseUrl: s.url + "/", apiKey: "acr_test_k" });
    const b = await c.send(events);
    assert.equal(s.seen[0].method, "POST");
    assert.equal(s.seen[0].url, "/v1/usage-events");
    assert.equal(s.seen[0].authorization, "Bearer acr_test_k");
    assert.ok(JSON.parse(s.seen[0].body).events[0].occurredAt, "occurredAt filled in");
    assert.equal(b.accepted, 2);
    assert.ok(b.results.every(settled));
  } finally {
    await s.close();
  }
});

test("429 and 503 are retried, Retry-After as sent, the same body each time", async () => {
  let n = 0;
  const s = await stub((x) => (++n === 1 ? problem(429, "rate_limited", { "Retry-After": "3" }) : n === 2 ? problem(503, "ingestion_unavailable") : acceptAll(x)));
  const waits: number[] = [];
  try {
    const c = new AccrueClient({ baseUrl: s.url, apiKey: "k", retry: new RetryPolicy(5, 100, 1000, 60_000, () => 0.5), sleep: async (ms) => { waits.push(ms); } });
    assert.equal((await c.send(events)).accepted, 2);
    assert.deepEqual(waits, [3000, 100]);
    assert.equal(new Set(s.seen.map((x) => x.body)).size, 1);
  } finally {
    await s.close();
  }
});

test("when the policy gives up: DeliveryError; a refused request is not retried", async () => {
  const s = await stub((x) => (x.authorization === "Bearer bad" ? problem(401, "unauthenticated") : problem(503, "ingestion_unavailable")));
  try {
    const c = new AccrueClient({ baseUrl: s.url, apiKey: "k", retry: new RetryPolicy(3, 1, 1) });
    await assert.rejects(c.send(events), DeliveryError);
    assert.equal(s.seen.length, 3);
    const bad = new AccrueClient({ baseUrl: s.url, tokenSupplier: () => "bad" });
    await assert.rejects(bad.send(events), (e: unknown) => e instanceof AccrueApiError && e.code === "unauthenticated" && e.status === 401);
    assert.equal(s.seen.length, 4);
  } finally {
    await s.close();
  }
});

test("an unreachable server is retried then DeliveryError", async () => {
  const s = await stub(acceptAll);
  const url = s.url;
  await s.close();
  const waits: number[] = [];
  const c = new AccrueClient({ baseUrl: url, apiKey: "k", retry: new RetryPolicy(3, 10, 40, 60_000, () => 0.5), sleep: async (ms) => { waits.push(ms); } });
  await assert.rejects(c.send(events), DeliveryError);
  assert.deepEqual(waits, [5, 10]);
});

test("quota: allowed, 429 with reason and Retry-After, 403 blocked; reserve / settle / release", async () => {
  const id = "0b7c2a8e-2c3e-4f2a-9a51-0d9a3f6c1e22";
  const s = await stub((x) => {
    if (x.url.includes("endUserId=heavy")) return problem(429, "quota_exceeded", { "Retry-After": "120" });
    if (x.url.includes("endUserId=blocked")) return problem(403, "end_user_blocked");
    if (x.url.startsWith("/v1/quota/check")) return { status: 200, body: '{"allowed":true,"flagged":false,"endUserId":"u 1"}' };
    if (x.method === "POST" && x.url === "/v1/quota/reservations") return { status: 201, body: JSON.stringify({ id, endUserId: "u1", tokens: 500, status: "open" }) };
    if (x.method === "DELETE") return { status: 200, body: JSON.stringify({ id, endUserId: "u1", tokens: 500, status: "released" }) };
    return acceptAll(x);
  });
  try {
    const c = new AccrueClient({ baseUrl: s.url, apiKey: "k" });
    assert.equal((await c.checkQuota("u 1", "gpt-4o", 100)).allowed, true);
    assert.equal(s.seen[0].url, "/v1/quota/check?endUserId=u+1&estimatedTokens=100&model=gpt-4o");
    await assert.rejects(c.checkQuota("heavy"), (e: unknown) => e instanceof QuotaRefusedError && e.reason === "quota_exceeded" && e.retryAfterSeconds === 120);
    await assert.rejects(c.checkQuota("blocked"), (e: unknown) => e instanceof QuotaRefusedError && e.reason === "end_user_blocked" && e.retryAfterSeconds === undefined);
    assert.equal(s.seen.length, 3, "a quota 429 is an answer, not retried");
    const r = await c.reserve("u1", "gpt-4o", 500, 60);
    assert.deepEqual(JSON.parse(s.seen[3].body), { endUserId: "u1", model: "gpt-4o", estimatedTokens: 500, ttlSeconds: 60 });
    assert.equal((await c.settle(r, { eventId: "e9", endUserId: "u1", model: "gpt-4o", inputTokens: 400 })).status, "accepted");
    assert.equal(JSON.parse(s.seen[4].body).events[0].reservationId, id);
    assert.equal((await c.release(id)).status, "released");
    assert.equal(s.seen[5].url, `/v1/quota/reservations/${id}`);
  } finally {
    await s.close();
  }
});
