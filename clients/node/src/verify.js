import { createHmac, createPublicKey, timingSafeEqual, verify as verifySignature } from "node:crypto";

/** Why a delivery was refused; `reason` is one of the codes below. */
export class WebhookVerificationError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = "WebhookVerificationError";
    this.reason = reason; // "missing_header" | "timestamp" | "signature" | "key_unavailable"
  }
}

/**
 * Crier's published Ed25519 keys, from a JWK Set URL (`https://crier.example.com/.well-known/jwks.json`).
 * Fetched on first use and kept for `cacheMs` (5 minutes); a kid the cached set lacks makes it
 * fetch again at most once per `refetchIntervalMs` (30 s), so made-up kids cannot make it hammer
 * Crier. A set that cannot be fetched (error status, timeout, not a JWK Set) fails closed: the
 * delivery is refused with `key_unavailable`, and Crier retries it later.
 */
export class JwksKeys {
  #url;
  #cacheMs;
  #refetchIntervalMs;
  #timeoutMs;
  #fetch;
  #now;
  #keys = new Map();
  #fetchedAt = -Infinity; // the last fetch that worked: the cache's age
  #triedAt = -Infinity; // the last fetch tried: bounds refetching, whatever came of it
  #lastError;
  #inFlight;

  constructor(url, { cacheMs = 300_000, refetchIntervalMs = 30_000, timeoutMs = 10_000, fetch = globalThis.fetch, now = Date.now } = {}) {
    this.#url = String(url);
    this.#cacheMs = cacheMs;
    this.#refetchIntervalMs = refetchIntervalMs;
    this.#timeoutMs = timeoutMs;
    this.#fetch = fetch;
    this.#now = now;
  }

  /** The key named `kid`, or undefined when the published set does not have it. */
  async key(kid) {
    const expired = () => this.#now() - this.#fetchedAt > this.#cacheMs;
    const mayTry = this.#now() - this.#triedAt > this.#refetchIntervalMs;
    if ((expired() || !this.#keys.has(kid)) && (mayTry || this.#inFlight)) {
      this.#inFlight ??= this.#load().then(
        () => { this.#lastError = undefined; },
        (error) => { this.#lastError = error; },
      ).finally(() => { this.#inFlight = undefined; });
      await this.#inFlight;
    }
    if (expired()) {
      throw new WebhookVerificationError("key_unavailable", `could not fetch ${this.#url}: ${this.#lastError?.message ?? "not fetched yet"}`);
    }
    return this.#keys.get(kid);
  }

  async #load() {
    this.#triedAt = this.#now();
    const response = await this.#fetch(this.#url, { signal: AbortSignal.timeout(this.#timeoutMs), headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > 256 * 1024) throw new Error("a JWK Set over 256 KiB");
    const set = JSON.parse(text);
    if (!set || !Array.isArray(set.keys)) throw new Error("not a JWK Set");
    const keys = new Map();
    for (const jwk of set.keys) {
      if (jwk?.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.kid !== "string" || typeof jwk.x !== "string") continue;
      keys.set(jwk.kid, createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" }));
    }
    this.#keys = keys;
    this.#fetchedAt = this.#now();
  }
}

/**
 * Verifies Standard Webhooks deliveries from Crier: `v1` (HMAC-SHA256 with the webhook's
 * `whsec_` secret) and `v1a` (Ed25519 under the key `webhook-key-id` names, from `keys`). Give a
 * secret, keys, or both (a receiver moving from one to the other). Accepts when the timestamp is
 * within `toleranceSeconds` (300) of now and any one entry verifies.
 *
 *   const verifier = new WebhookVerifier({ keys: new JwksKeys("https://crier.example.com/.well-known/jwks.json") });
 *   const event = await verifier.verify(rawBody, req.headers); // throws WebhookVerificationError
 */
export class WebhookVerifier {
  #secrets;
  #keys;
  #toleranceSeconds;
  #now;

  constructor({ secret, secrets, keys, toleranceSeconds = 300, now = Date.now } = {}) {
    const all = [...(secrets ?? []), ...(secret === undefined ? [] : [secret])];
    this.#secrets = all.map(decodeSecret);
    this.#keys = keys;
    this.#toleranceSeconds = toleranceSeconds;
    this.#now = now;
    if (this.#secrets.length === 0 && !this.#keys) throw new TypeError("give a secret, keys, or both");
  }

  /**
   * The parsed JSON body when the delivery is Crier's; otherwise throws WebhookVerificationError.
   * `body` is the raw body as received (Buffer, Uint8Array or string), `headers` a plain object
   * (Node's `req.headers`) or a `Headers`.
   */
  async verify(body, headers) {
    const raw = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
    const id = header(headers, "webhook-id");
    const timestamp = header(headers, "webhook-timestamp");
    const signatures = header(headers, "webhook-signature");
    if (!id || !timestamp || !signatures) throw new WebhookVerificationError("missing_header", "webhook-id, webhook-timestamp and webhook-signature are needed");
    if (!/^[0-9]{1,12}$/.test(timestamp) || Math.abs(this.#now() / 1000 - Number(timestamp)) > this.#toleranceSeconds) {
      throw new WebhookVerificationError("timestamp", "the timestamp is not within the tolerance of now");
    }
    const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), raw]);
    const entries = signatures.trim().split(/ +/);
    if (this.#secrets.some((key) => this.#hmacMatches(entries, key, signed)) || (await this.#ed25519Matches(entries, headers, signed))) {
      return JSON.parse(raw.toString("utf8"));
    }
    throw new WebhookVerificationError("signature", "no signature matches");
  }

  #hmacMatches(entries, key, signed) {
    const expected = createHmac("sha256", key).update(signed).digest();
    return entries.some((entry) => {
      if (!entry.startsWith("v1,")) return false;
      const given = Buffer.from(entry.slice(3), "base64");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  }

  async #ed25519Matches(entries, headers, signed) {
    if (!this.#keys) return false;
    const v1a = entries.filter((e) => e.startsWith("v1a,"));
    if (v1a.length === 0) return false;
    const kids = (header(headers, "webhook-key-id") ?? "").trim().split(/ +/).filter(Boolean);
    if (kids.length !== v1a.length) return false;
    for (let i = 0; i < v1a.length; i++) {
      const key = await this.#keys.key(kids[i]);
      const signature = Buffer.from(v1a[i].slice(4), "base64");
      if (key && signature.length === 64 && verifySignature(null, signed, key, signature)) return true;
    }
    return false;
  }
}

function decodeSecret(secret) {
  if (typeof secret !== "string" || !secret.startsWith("whsec_")) throw new TypeError("a secret starts with whsec_");
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  if (key.length < 16) throw new TypeError("a whsec_ secret holds at least 16 bytes of base64");
  return key;
}

function header(headers, name) {
  const value = typeof headers?.get === "function" ? headers.get(name) : (headers?.[name] ?? headers?.[name.toLowerCase()]);
  return Array.isArray(value) ? value[0] : (value ?? undefined);
}
