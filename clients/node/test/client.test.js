// Runs against a real Crier: CRIER_URL and CRIER_KEY (the admin key) name it. crier-server's
// NodeClientTest starts one on SQLite and on PostgreSQL and runs this suite against each.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { CrierClient, CrierProblem, JwksKeys, WebhookVerifier, WebhookVerificationError } from "../src/index.js";

const url = process.env.CRIER_URL;
const key = process.env.CRIER_KEY;
const run = { skip: url && key ? false : "CRIER_URL and CRIER_KEY name no Crier" };
const crier = url && key ? new CrierClient({ url, key }) : undefined;
const suffix = Date.now().toString(36);

/** A real HTTP server on 127.0.0.1 that answers with `answer(request)` and keeps what it got. */
async function server(answer) {
  const got = [];
  const http = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = { method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks) };
    got.push(request);
    const { status, headers = {}, body = "" } = answer(request, got.length);
    res.writeHead(status, headers).end(body);
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  return { url: `http://127.0.0.1:${http.address().port}`, got, close: () => new Promise((r) => http.close(r)) };
}

async function eventually(what, check, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) assert.fail(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function collect(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("against a real Crier", run, () => {
  let receiver;
  before(async () => {
    for (const type of ["node.paid", "node.page", "node.signed"]) await crier.eventTypes.put(type, { description: "node client test" });
    receiver = await server(() => ({ status: 204 }));
  });
  after(() => receiver?.close());

  test("publishes one event and a batch; the same id again is replayed", async () => {
    const first = await crier.publish({ id: `node-paid-${suffix}`, type: "node.paid", data: { invoice: "INV-42", note: "Zoë" } });
    const again = await crier.publish({ id: `node-paid-${suffix}`, type: "node.paid", data: { invoice: "INV-42", note: "Zoë" } });
    assert.equal(first.replayed, false);
    assert.equal(again.replayed, true);
    assert.equal(again.seq, first.seq);
    const made = await crier.publish({ type: "node.paid" });
    assert.match(made.id, /^evt_/);

    const batch = [{ type: "node.paid" }, { type: "node.paid", data: { lines: [1, 2] } }, { id: `node-batch-${suffix}`, type: "node.paid" }];
    const receipts = await crier.publishBatch(batch);
    assert.equal(receipts.length, 3);
    assert.equal(receipts[2].id, `node-batch-${suffix}`);
    assert.ok(receipts[0].seq < receipts[2].seq);
  });

  test("pages through the event log without gaps or repeats", async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `node-page-${suffix}-${i}`);
    await crier.publishBatch(ids.slice(0, 10).map((id) => ({ id, type: "node.page" })));
    await crier.publishBatch(ids.slice(10).map((id) => ({ id, type: "node.page" })));

    const oldestFirst = await collect(crier.events({ type: "node.page", order: "asc", pageSize: 5 }));
    const newestFirst = await collect(crier.events({ type: "node.page", pageSize: 7 }));
    const exact = await collect(crier.events({ type: "node.page", order: "asc", pageSize: 23 }));

    assert.deepEqual(oldestFirst.map((e) => e.id), ids);
    assert.deepEqual(newestFirst.map((e) => e.id), [...ids].reverse());
    assert.deepEqual(exact.map((e) => e.id), ids);
  });

  test("refusals are CrierProblems naming the field", async () => {
    const invalid = await crier.publishBatch([{ type: "node.paid" }, { type: "not a type" }]).catch((e) => e);
    assert.ok(invalid instanceof CrierProblem, String(invalid));
    assert.equal(invalid.status, 422);
    assert.equal(invalid.kind, "invalid");
    assert.ok(invalid.errors.some((e) => e.field.startsWith("[1]")), JSON.stringify(invalid.errors));

    await crier.publish({ id: `node-conflict-${suffix}`, type: "node.paid", data: { n: 1 } });
    const conflict = await crier.publish({ id: `node-conflict-${suffix}`, type: "node.paid", data: { n: 2 } }).catch((e) => e);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.kind, "conflict");

    const missing = await crier.webhooks.get("wh_none").catch((e) => e);
    assert.equal(missing.status, 404);
    assert.ok(missing.title && missing.detail);

    const wrongKey = await new CrierClient({ url, key: "not-the-key" }).publish({ type: "node.paid" }).catch((e) => e);
    assert.equal(wrongKey.kind, "not_authorized");

    await assert.rejects(crier.webhooks.create({ url: receiver.url, events: ["*"], colour: "red" }), TypeError, "a field the table lacks");
  });

  test("manages a webhook through its life and pages through its deliveries", async () => {
    const hook = await crier.webhooks.create({ url: `${receiver.url}/life`, events: ["node.page"], name: "Node", retry_schedule: [] });
    assert.match(hook.secret, /^whsec_/);
    assert.equal((await crier.webhooks.get(hook.id)).secret, undefined);
    assert.ok((await crier.webhooks.list()).some((w) => w.id === hook.id));

    const updated = await crier.webhooks.update(hook.id, { events: ["node.paid"], timeout_seconds: 5 });
    assert.deepEqual(updated.events, ["node.paid"]);
    assert.equal(updated.name, "Node");
    assert.equal((await crier.webhooks.disable(hook.id)).status, "disabled");
    assert.equal((await crier.webhooks.enable(hook.id)).status, "active");
    const notHalted = await crier.webhooks.resume(hook.id).catch((e) => e);
    assert.equal(notHalted.status, 409);

    const ids = Array.from({ length: 12 }, (_, i) => `node-life-${suffix}-${i}`);
    await crier.publishBatch(ids.map((id) => ({ id, type: "node.paid" })));
    const delivered = await eventually("12 deliveries", async () => {
      const all = await collect(crier.deliveries({ webhook: hook.id, status: "delivered", pageSize: 5 }));
      return all.length === 12 && all;
    });
    assert.deepEqual(delivered.map((d) => d.event_id).sort(), [...ids].sort());

    const rotated = await crier.webhooks.rotateSecret(hook.id, { overlapSeconds: 60 });
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, hook.secret);
    await crier.webhooks.delete(hook.id);
    assert.equal((await crier.webhooks.get(hook.id).catch((e) => e)).status, 404);
  });

  test("declares event types and issues app tokens", async () => {
    assert.ok((await crier.eventTypes.list()).some((t) => t.name === "node.paid"));
    const app = await crier.apps.create({ name: "Node app", url: "https://app.example.com" });
    assert.ok(app.secret);
    const token = await crier.apps.issueToken(app.id, { account: "acme", scope: "clients" });
    assert.ok(token.access_token);
    assert.deepEqual((await crier.apps.tokens(app.id)).map((t) => t.id), [token.id]);
    await crier.apps.revokeToken(token.id);
    await crier.apps.delete(app.id);
    assert.equal((await crier.apps.get(app.id).catch((e) => e)).kind, "not_found");
  });

  test("verifies real deliveries, v1 with the secret and v1a with the published keys, and refuses tampered ones", async () => {
    const signed = await server(() => ({ status: 204 }));
    try {
      const both = await crier.webhooks.create({ url: `${signed.url}/both`, events: ["node.signed"], signature: "standard+ed25519" });
      const ed = await crier.webhooks.create({ url: `${signed.url}/ed`, events: ["node.signed"], signature: "standard-ed25519" });
      await crier.publish({ id: `node-signed-${suffix}`, type: "node.signed", data: { total: 12.5, note: "Zoë" } });
      await eventually("two deliveries", () => signed.got.length >= 2);
      const bothGot = signed.got.find((r) => r.path === "/both");
      const edGot = signed.got.find((r) => r.path === "/ed");
      assert.match(bothGot.headers["webhook-signature"], /v1,.* v1a,|v1a,.* v1,/);
      assert.ok(!/(^| )v1,/.test(edGot.headers["webhook-signature"]), "standard-ed25519 sends no v1");

      const jwks = `${url}/.well-known/jwks.json`;
      const bySecret = new WebhookVerifier({ secret: both.secret });
      const byKeys = new WebhookVerifier({ keys: new JwksKeys(jwks) });
      assert.equal((await bySecret.verify(bothGot.body, bothGot.headers)).data.note, "Zoë");
      assert.equal((await byKeys.verify(bothGot.body, bothGot.headers)).data.total, 12.5);
      assert.equal((await byKeys.verify(edGot.body, edGot.headers)).type, "node.signed");
      await assert.rejects(bySecret.verify(edGot.body, edGot.headers), { reason: "signature" }, "no v1 to check with the secret");
      await assert.rejects(new WebhookVerifier({ secret: ed.secret }).verify(bothGot.body, bothGot.headers), { reason: "signature" }, "another webhook's secret");

      const tampered = Buffer.from(edGot.body.toString().replace("12.5", "1250"));
      await assert.rejects(byKeys.verify(tampered, edGot.headers), WebhookVerificationError);
      await assert.rejects(bySecret.verify(Buffer.from(bothGot.body.toString().replace("12.5", "1250")), bothGot.headers), { reason: "signature" });
      const otherId = { ...edGot.headers, "webhook-id": "msg_forged" };
      await assert.rejects(byKeys.verify(edGot.body, otherId), { reason: "signature" });
      const otherKid = { ...edGot.headers, "webhook-key-id": "made-up-kid" };
      await assert.rejects(byKeys.verify(edGot.body, otherKid), { reason: "signature" });
      const noKid = { ...edGot.headers };
      delete noKid["webhook-key-id"];
      await assert.rejects(byKeys.verify(edGot.body, noKid), { reason: "signature" });

      const later = () => Date.now() + 6 * 60_000;
      await assert.rejects(new WebhookVerifier({ keys: new JwksKeys(jwks), now: later }).verify(edGot.body, edGot.headers), { reason: "timestamp" });
      await assert.rejects(new WebhookVerifier({ secret: both.secret, now: later }).verify(bothGot.body, bothGot.headers), { reason: "timestamp" });
      const within = () => Date.now() + 4 * 60_000;
      await new WebhookVerifier({ secret: both.secret, now: within }).verify(bothGot.body, bothGot.headers);

      const nowhere = await server(() => ({ status: 500 }));
      await nowhere.close();
      await assert.rejects(
        new WebhookVerifier({ keys: new JwksKeys(`${nowhere.url}/.well-known/jwks.json`) }).verify(edGot.body, edGot.headers),
        { reason: "key_unavailable" },
        "fails closed when the keys cannot be fetched",
      );
      await crier.webhooks.delete(both.id);
      await crier.webhooks.delete(ed.id);
    } finally {
      await signed.close();
    }
  });
});

describe("retries", () => {
  test("a 503 then a 429 are retried after their Retry-After, with the same id", async () => {
    const standIn = await server((_, n) =>
      n === 1
        ? { status: 503, headers: { "retry-after": "1", "content-type": "application/problem+json" }, body: '{"title":"Service unavailable","status":503}' }
        : n === 2
          ? { status: 429, headers: { "retry-after": "0" } }
          : { status: 202, headers: { "content-type": "application/json" }, body: '{"id":"evt-retried","seq":7,"received_at":"2026-12-08T00:00:00Z"}' },
    );
    try {
      const started = Date.now();
      const r = await new CrierClient({ url: standIn.url, key: "k" }).publish({ type: "node.paid" });
      assert.equal(r.seq, 7);
      assert.equal(standIn.got.length, 3);
      assert.ok(Date.now() - started >= 900, "waited for Retry-After: 1");
      assert.equal(new Set(standIn.got.map((g) => g.body.toString())).size, 1, "the same body, so the same id, every time");
      assert.equal(standIn.got[0].headers.authorization, "Bearer k");
    } finally {
      await standIn.close();
    }
  });

  test("gives up as unavailable after its attempts, and a create that got no answer is not sent again", async () => {
    const busy = await server(() => ({ status: 503, headers: { "retry-after": "0" } }));
    try {
      const e = await new CrierClient({ url: busy.url, key: "k", maxAttempts: 3 }).publish({ type: "node.paid" }).catch((x) => x);
      assert.equal(e.kind, "unavailable");
      assert.equal(busy.got.length, 3);
    } finally {
      await busy.close();
    }
    const gone = await server(() => ({ status: 204 }));
    await gone.close();
    let calls = 0;
    const counting = (...args) => { calls++; return fetch(...args); };
    const client = new CrierClient({ url: gone.url, key: "k", maxRetryWaitMs: 0, fetch: counting });
    const e = await client.webhooks.create({ url: "http://example.com", events: ["*"] }).catch((x) => x);
    assert.equal(e.status, 0);
    assert.equal(calls, 1);
  });
});
