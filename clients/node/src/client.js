import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { CrierProblem } from "./problem.js";

/** Every call this client makes; ClientContractTest checks the table against openapi.json. */
export const operations = JSON.parse(readFileSync(new URL("./operations.json", import.meta.url), "utf8")).operations;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Crier from a provider's backend: publish events, manage webhooks, event types, apps and their
 * tokens, page through the event and delivery logs. Safe to share; every method returns a Promise
 * (the list methods that page return async iterables).
 */
export class CrierClient {
  #base;
  #authorization;
  #maxAttempts;
  #maxRetryWaitMs;
  #timeoutMs;
  #fetch;

  constructor({ url, key, maxAttempts = 5, maxRetryWaitMs = 30_000, timeoutMs = 30_000, fetch = globalThis.fetch } = {}) {
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) throw new TypeError("url must be Crier's http(s) URL");
    if (typeof key !== "string" || key.trim() === "" || /[\u0000-\u001f]/.test(key)) {
      throw new TypeError("key must be non-blank, without control characters");
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) throw new RangeError("maxAttempts must be from 1 to 100");
    this.#base = url.replace(/\/+$/, "");
    this.#authorization = `Bearer ${key}`;
    this.#maxAttempts = maxAttempts;
    this.#maxRetryWaitMs = maxRetryWaitMs;
    this.#timeoutMs = timeoutMs;
    this.#fetch = fetch;
    this.webhooks = new Webhooks(this);
    this.eventTypes = new EventTypes(this);
    this.apps = new Apps(this);
  }

  /** Publishes one event; an id is made (`evt_<uuid>`) when absent and reused on every retry. */
  async publish(event) {
    const { body, headers } = await this.call("publish", { body: newEvent(event) });
    return receipt(body, headers);
  }

  /** Publishes events in one request: Crier stores all of them or none. Receipts in order. */
  async publishBatch(events) {
    if (!Array.isArray(events) || events.length === 0) throw new TypeError("a batch needs at least one event");
    const { body, headers } = await this.call("publish", { body: events.map(newEvent) });
    return body.items.map((item) => receipt(item, headers));
  }

  /** The event log, newest first (`order: "asc"` for oldest first), fetched a page at a time. */
  events({ type, order, pageSize = 100 } = {}) {
    return this.#pages("listEvents", { type, order, limit: pageSize });
  }

  /** The delivery log, newest first, fetched a page at a time; `webhook` narrows it to one. */
  deliveries({ webhook, status, eventType, pageSize = 50 } = {}) {
    return this.#pages("listDeliveries", { subscription: webhook, status, event_type: eventType, limit: pageSize });
  }

  async *#pages(name, query) {
    let after;
    for (;;) {
      const { body } = await this.call(name, { query: { ...query, after } });
      for (const item of body.items ?? []) yield item;
      if (body.next == null || (body.items ?? []).length === 0) return;
      after = body.next;
    }
  }

  /**
   * Calls one operation of the table: `params` fill the path, `query` and `body` hold only the
   * names the table lists (anything else is a TypeError, before any request). Retries 503 and 429
   * after Retry-After, and no answer at all unless the operation is not repeatable.
   */
  async call(name, { params = {}, query = {}, body } = {}) {
    const op = operations[name];
    if (!op) throw new TypeError(`unknown operation ${name}`);
    const url = new URL(this.#base + op.path.replace(/\{(\w+)\}/g, (_, p) => {
      if (typeof params[p] !== "string" || params[p] === "") throw new TypeError(`${p} must be a non-empty string`);
      return encodeURIComponent(params[p]);
    }));
    for (const [k, v] of Object.entries(query)) {
      if (!(op.query ?? []).includes(k)) throw new TypeError(`${name} takes no query parameter ${k}`);
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    for (const item of body === undefined ? [] : Array.isArray(body) ? body : [body]) {
      for (const k of Object.keys(item)) {
        if (!(op.fields ?? []).includes(k)) throw new TypeError(`${name} has no field ${k}`);
      }
    }
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = { authorization: this.#authorization, accept: "application/json, application/problem+json" };
    if (text !== undefined) headers["content-type"] = "application/json";
    let backoff = 1000;
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await this.#fetch(url, { method: op.method, headers, body: text, signal: AbortSignal.timeout(this.#timeoutMs) });
      } catch (error) {
        if (op.repeatable === false || attempt >= this.#maxAttempts) {
          throw new CrierProblem({ status: 0, title: "No answer", detail: String(error?.cause ?? error), cause: error });
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, this.#maxRetryWaitMs);
        continue;
      }
      if (response.ok) {
        const answer = await response.text();
        return { status: response.status, headers: response.headers, body: answer === "" ? null : JSON.parse(answer) };
      }
      if ((response.status === 503 || response.status === 429) && attempt < this.#maxAttempts) {
        await response.body?.cancel();
        await sleep(this.#retryAfter(response.headers.get("retry-after")) ?? backoff);
        backoff = Math.min(backoff * 2, this.#maxRetryWaitMs);
        continue;
      }
      throw await CrierProblem.from(response);
    }
  }

  /** Retry-After as seconds or an HTTP date, in ms held to [0, maxRetryWaitMs]; undefined when unreadable. */
  #retryAfter(value) {
    if (value == null) return undefined;
    const v = value.trim();
    const ms = /^[0-9]+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - Date.now();
    if (Number.isNaN(ms)) return undefined;
    return Math.min(Math.max(ms, 0), this.#maxRetryWaitMs);
  }
}

function newEvent(event) {
  if (event === null || typeof event !== "object") throw new TypeError("an event is an object with a type");
  if (typeof event.type !== "string" || event.type === "") throw new TypeError("type must be a non-empty string");
  return { ...event, id: event.id ?? `evt_${randomUUID()}` };
}

function receipt(body, headers) {
  return {
    id: body.id,
    seq: body.seq,
    receivedAt: body.received_at,
    replayed: (headers.get("idempotent-replayed") ?? "").toLowerCase() === "true",
  };
}

class Webhooks {
  #c;
  constructor(client) { this.#c = client; }
  async #one(name, id, body) { return (await this.#c.call(name, { params: { id }, body })).body; }
  /** Creates a webhook; the answer is the only one that shows its secret. */
  async create(spec) { return (await this.#c.call("createWebhook", { body: spec })).body; }
  async get(id) { return this.#one("getWebhook", id); }
  /** Every webhook (Crier answers them in one list). */
  async list() { return (await this.#c.call("listWebhooks")).body.items; }
  /** Changes the fields given, keeping the others. */
  async update(id, change) { return this.#one("updateWebhook", id, change); }
  async delete(id) { await this.#c.call("deleteWebhook", { params: { id } }); }
  async enable(id) { return this.#one("enableWebhook", id); }
  async disable(id) { return this.#one("disableWebhook", id); }
  async resume(id) { return this.#one("resumeWebhook", id); }
  /** A new secret; the old one keeps signing beside it for `overlapSeconds` (default 24 h). */
  async rotateSecret(id, { secret, overlapSeconds } = {}) {
    const body = {};
    if (secret !== undefined) body.secret = secret;
    if (overlapSeconds !== undefined) body.overlap_seconds = overlapSeconds;
    return this.#one("rotateWebhookSecret", id, body);
  }
}

class EventTypes {
  #c;
  constructor(client) { this.#c = client; }
  /** Declares an event type or changes its description (PUT: safe to repeat). */
  async put(name, { description, scope } = {}) {
    const body = { description };
    if (scope !== undefined) body.scope = scope;
    return (await this.#c.call("putEventType", { params: { name }, body })).body;
  }
  async list() { return (await this.#c.call("listEventTypes")).body.items; }
}

class Apps {
  #c;
  constructor(client) { this.#c = client; }
  /** Registers an OAuth app; the answer is the only one that shows its secret. */
  async create({ name, url } = {}) { return (await this.#c.call("createApp", { body: definedOnly({ name, url }) })).body; }
  async get(id) { return (await this.#c.call("getApp", { params: { id } })).body; }
  async list() { return (await this.#c.call("listApps")).body.items; }
  async delete(id) { await this.#c.call("deleteApp", { params: { id } }); }
  /** Issues a token for one user of one account; the answer is the only one that shows access_token. */
  async issueToken(id, request) { return (await this.#c.call("issueToken", { params: { id }, body: request })).body; }
  async tokens(id) { return (await this.#c.call("listTokens", { params: { id } })).body.items; }
  async revokeToken(id) { await this.#c.call("revokeToken", { params: { id } }); }
}

function definedOnly(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}
