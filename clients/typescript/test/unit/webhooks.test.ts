import { test } from "node:test";
import assert from "node:assert/strict";
import { signWebhook, verifyWebhook, WebhookVerificationError } from "../../src/index";

// The Standard Webhooks specification's published test vector
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const headers = (sig = SIG, ts = TS) => ({ "Webhook-Id": ID, "webhook-timestamp": String(ts), "WEBHOOK-SIGNATURE": sig });

test("signs the published vector", () => {
  assert.equal(signWebhook(SECRET, ID, TS, BODY), SIG);
});

test("verifies the published vector and answers the id, from a record or a Headers object", () => {
  assert.equal(verifyWebhook(SECRET, headers(), BODY, TS + 10), ID);
  assert.equal(verifyWebhook(SECRET, new Headers(headers()), Buffer.from(BODY), TS), ID);
});

test("one matching entry among several is enough", () => {
  assert.equal(verifyWebhook(SECRET, headers(`v1,bm90IHRoaXM= v1a,x ${SIG}`), BODY, TS), ID);
});

test("an altered body or another secret is refused", () => {
  assert.throws(() => verifyWebhook(SECRET, headers(), '{"test": 2432232315}', TS), WebhookVerificationError);
  const other = "whsec_" + Buffer.alloc(24).toString("base64");
  assert.throws(() => verifyWebhook(other, headers(), BODY, TS), WebhookVerificationError);
});

test("the tolerance is five minutes either way", () => {
  assert.equal(verifyWebhook(SECRET, headers(), BODY, TS + 300), ID);
  assert.equal(verifyWebhook(SECRET, headers(), BODY, TS - 300), ID);
  assert.throws(() => verifyWebhook(SECRET, headers(), BODY, TS + 301), /5 minutes/);
  assert.throws(() => verifyWebhook(SECRET, headers(), BODY, TS - 301), /5 minutes/);
});

test("a missing header is refused", () => {
  assert.throws(() => verifyWebhook(SECRET, { "webhook-id": ID, "webhook-timestamp": String(TS) }, BODY, TS), /missing header/);
});
