// Runs against a running stack (e2e-tests' ClientLibrariesTest starts it and sets the variables):
//   ACCRUE_USAGE_URL      usage-service base URL
//   ACCRUE_API_KEY        a usage-reporter API key of the organisation
//   ACCRUE_MODEL          a priced model of the catalog
//   ACCRUE_BLOCKED_END_USER an end user blocked by the organisation
//   ACCRUE_RUN            a unique prefix for event ids and end users
//   ACCRUE_OCCURRED_AT    optional: occurredAt of the events (the stack's test clock may not be the wall clock)
import { test } from "node:test";
import assert from "node:assert/strict";
import { AccrueClient, QuotaRefusedError, UsageReporter } from "../../src/index";

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: this test runs against a stack (see e2e-tests ClientLibrariesTest)`);
  return v;
}

const client = () => new AccrueClient({ baseUrl: env("ACCRUE_USAGE_URL"), apiKey: env("ACCRUE_API_KEY") });
const run = () => env("ACCRUE_RUN");
const model = () => env("ACCRUE_MODEL");
const at = () => process.env.ACCRUE_OCCURRED_AT || new Date().toISOString();

test("the reporter's events are accepted once; a replay is a duplicate", async () => {
  const reporter = new UsageReporter(client(), { maxBatch: 3, maxAgeMs: 50 });
  const events = [1, 2, 3, 4].map((i) => ({ eventId: `${run()}-ts-${i}`, endUserId: `${run()}-ts-user`, model: model(), inputTokens: 100 * i, outputTokens: 10, occurredAt: at() }));
  const first = await Promise.all(events.map((e) => reporter.report(e)));
  assert.deepEqual(first.map((r) => r.status), ["accepted", "accepted", "accepted", "accepted"]);
  const replay = await reporter.report(events[0]);
  assert.equal(replay.status, "duplicate");
  await reporter.close();
});

// (not an unknown model: the e2e stack runs usage-service in unknown-model=flag, where that is accepted unpriced and
// would hold up every period close of the shared stack until re-rated)
test("an event carrying prompt text is rejected with its code", async () => {
  const b = await client().send([{ eventId: `${run()}-ts-bad`, endUserId: `${run()}-ts-user`, model: model(), inputTokens: 1, occurredAt: at(), prompt: "secret text" }]);
  assert.equal(b.results[0].status, "rejected");
  assert.equal(b.results[0].code, "unknown_field");
});

test("quota check, reserve then settle, reserve then release", async () => {
  const c = client();
  const user = `${run()}-ts-quota`;
  assert.equal((await c.checkQuota(user, model(), 100)).allowed, true);
  const r = await c.reserve(user, model(), 500, 60);
  assert.equal(r.status, "open");
  const settledEvent = await c.settle(r, { eventId: `${run()}-ts-settle`, endUserId: user, model: model(), inputTokens: 400, occurredAt: at() });
  assert.equal(settledEvent.status, "accepted");
  const r2 = await c.reserve(user, model(), 300);
  assert.equal((await c.release(r2.id)).status, "released");
});

test("a blocked end user is refused with its reason", async () => {
  await assert.rejects(client().checkQuota(env("ACCRUE_BLOCKED_END_USER"), model(), 10),
    (e: unknown) => e instanceof QuotaRefusedError && e.reason === "end_user_blocked" && e.status === 403);
});
