import { test } from "node:test";
import assert from "node:assert/strict";
import { AccrueClient, EventResult, RetryPolicy, UsageReporter } from "../../src/index";
import { acceptAll, problem, Reply, stub } from "./stub";

const event = (i: number) => ({ eventId: `ev-${i}`, endUserId: "u1", model: "gpt-4o", inputTokens: i });

test("full batches go at once, the rest when old enough", async () => {
  const s = await stub(acceptAll);
  try {
    const r = new UsageReporter(new AccrueClient({ baseUrl: s.url, apiKey: "k" }), { maxBatch: 10, maxAgeMs: 100 });
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => r.report(event(i))));
    results.forEach((e, i) => { assert.equal(e.eventId, `ev-${i}`); assert.equal(e.status, "accepted"); });
    const sizes = s.seen.map((x) => JSON.parse(x.body).events.length);
    assert.deepEqual(sizes, [10, 10, 5]);
    await r.close();
  } finally {
    await s.close();
  }
});

test("a full buffer answers buffer_full at once; close flushes the rest", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  const s = await stub(async (x): Promise<Reply> => { await held; return acceptAll(x); });
  try {
    const heard: EventResult[] = [];
    const r = new UsageReporter(new AccrueClient({ baseUrl: s.url, apiKey: "k" }), { maxBatch: 1, maxAgeMs: 0, bufferCapacity: 3, onResult: (e) => heard.push(e) });
    const first = r.report(event(0)); // sent at once (maxBatch 1): the buffer is empty again
    const rest = [1, 2, 3].map((i) => r.report(event(i)));
    const overflow = await r.report(event(4));
    assert.equal(overflow.status, "buffer_full");
    assert.equal(overflow.code, "buffer_full");
    release();
    const closing = r.close();
    for (const p of [first, ...rest]) assert.equal((await p).status, "accepted");
    await closing;
    assert.equal(heard.length, 5);
    assert.equal((await r.report(event(9))).status, "not_delivered", "nothing taken after close");
  } finally {
    await s.close();
  }
});

test("retryable failures are resent; after the policy gives up the events are not_delivered", async () => {
  let n = 0;
  const s = await stub((x) => (++n <= 2 ? problem(503, "ingestion_unavailable") : acceptAll(x)));
  try {
    const ok = new UsageReporter(new AccrueClient({ baseUrl: s.url, apiKey: "k", retry: new RetryPolicy(3, 1, 5) }), { maxAgeMs: 1 });
    assert.equal((await ok.report(event(1))).status, "accepted");
    await ok.close();
  } finally {
    await s.close();
  }
  const down = await stub(() => problem(503, "ingestion_unavailable"));
  try {
    const gives = new UsageReporter(new AccrueClient({ baseUrl: down.url, apiKey: "k", retry: new RetryPolicy(2, 1, 5) }), { maxAgeMs: 10 });
    const a = gives.report(event(1));
    const b = gives.report(event(2));
    await gives.close();
    assert.equal((await a).status, "not_delivered");
    assert.equal((await b).eventId, "ev-2");
    assert.equal((await b).status, "not_delivered");
    assert.equal(down.seen.length, 2, "one batch, tried twice");
  } finally {
    await down.close();
  }
});

test("close sends what is buffered without waiting for maxAge", async () => {
  const s = await stub(acceptAll);
  try {
    const r = new UsageReporter(new AccrueClient({ baseUrl: s.url, apiKey: "k" }), { maxAgeMs: 3_600_000 });
    const all = [0, 1, 2].map((i) => r.report(event(i)));
    await r.close();
    for (const p of all) assert.equal((await p).status, "accepted");
    assert.equal(s.seen.length, 1);
  } finally {
    await s.close();
  }
});
