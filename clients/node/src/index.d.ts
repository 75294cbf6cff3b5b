// Types of @crier/client. Objects Crier answers keep its field names (snake_case), as in
// openapi.json; see it for every field.

export interface CrierClientOptions {
  /** Crier's URL, such as https://crier.example.com */
  url: string;
  /** The admin key, or an app token */
  key: string;
  /** Attempts per call, the first included (default 5) */
  maxAttempts?: number;
  /** The longest wait before a retry, whatever Retry-After asks for (default 30 000) */
  maxRetryWaitMs?: number;
  /** How long one attempt may take (default 30 000) */
  timeoutMs?: number;
  /** A fetch of your own (a proxy, TLS settings); default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface NewEvent {
  /** The idempotency key; made (evt_<uuid>) when absent. Keep it to retry later. */
  id?: string;
  type: string;
  account?: string;
  data?: Record<string, unknown>;
}

export interface Receipt {
  id: string;
  seq: number;
  receivedAt: string;
  /** True when Crier had stored these ids already (a retry) */
  replayed: boolean;
}

export interface PublishedEvent {
  id: string;
  seq: number;
  type: string;
  account: string | null;
  data: Record<string, unknown> | null;
  occurred_at: string;
  received_at: string;
  [field: string]: unknown;
}

export type DeliveryStatus = "pending" | "delivered" | "failed" | "filtered";

export interface Delivery {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  last_response_status: number | null;
  last_error: string | null;
  created_at: string;
  [field: string]: unknown;
}

export type SignatureScheme = "standard" | "standard-ed25519" | "standard+ed25519" | "hmac-sha256" | "github" | "webex";

export interface WebhookInput {
  url?: string;
  events?: string[];
  name?: string;
  filter?: string;
  secret?: string;
  signature?: SignatureScheme;
  ordered?: boolean;
  max_in_flight?: number;
  retry_schedule?: Array<string | number>;
  timeout_seconds?: number;
}

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  filter: string | null;
  signature: SignatureScheme;
  ordered: boolean;
  max_in_flight: number;
  retry_schedule: string[];
  timeout_seconds: number;
  status: "active" | "halted" | "disabled";
  /** Only in the answers to create and rotateSecret */
  secret?: string;
  previous_secret_expires_at?: string;
  created_at: string;
  updated_at: string;
}

export interface EventType {
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface App {
  id: string;
  name: string;
  url: string;
  /** Only in the answer to create */
  secret?: string;
  created_at: string;
  updated_at: string;
}

export interface TokenRequest {
  account: string;
  scope: string;
  user_id?: string;
  sub_domain?: string;
  permissions?: string[];
  expires_at?: string;
}

export interface Token {
  id: string;
  app_id: string;
  /** Only in the answer to issueToken */
  access_token?: string;
  account: string;
  user_id: string | null;
  sub_domain: string | null;
  scope: string;
  permissions: string[];
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  updated_at: string;
}

export declare class CrierClient {
  constructor(options: CrierClientOptions);
  publish(event: NewEvent): Promise<Receipt>;
  publishBatch(events: NewEvent[]): Promise<Receipt[]>;
  /** Newest first unless order is "asc"; pages are fetched as the loop needs them. */
  events(query?: { type?: string; order?: "asc" | "desc"; pageSize?: number }): AsyncIterable<PublishedEvent>;
  /** Newest first; pages are fetched as the loop needs them. */
  deliveries(query?: { webhook?: string; status?: DeliveryStatus; eventType?: string; pageSize?: number }): AsyncIterable<Delivery>;
  readonly webhooks: {
    create(spec: WebhookInput & { url: string; events: string[] }): Promise<Webhook>;
    get(id: string): Promise<Webhook>;
    list(): Promise<Webhook[]>;
    update(id: string, change: WebhookInput): Promise<Webhook>;
    delete(id: string): Promise<void>;
    enable(id: string): Promise<Webhook>;
    disable(id: string): Promise<Webhook>;
    resume(id: string): Promise<Webhook>;
    rotateSecret(id: string, options?: { secret?: string; overlapSeconds?: number }): Promise<Webhook>;
  };
  readonly eventTypes: {
    put(name: string, definition: { description: string; scope?: string }): Promise<EventType>;
    list(): Promise<EventType[]>;
  };
  readonly apps: {
    create(app: { name?: string; url?: string }): Promise<App>;
    get(id: string): Promise<App>;
    list(): Promise<App[]>;
    delete(id: string): Promise<void>;
    issueToken(appId: string, request: TokenRequest): Promise<Token>;
    tokens(appId: string): Promise<Token[]>;
    revokeToken(tokenId: string): Promise<void>;
  };
}

export declare class CrierProblem extends Error {
  /** The HTTP status; 0 when Crier gave no answer */
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  /** For a validation failure: each refused field (a JSON path such as [1].type) and why */
  readonly errors: Array<{ field: string; message: string }>;
  readonly kind: "invalid" | "not_authorized" | "not_found" | "conflict" | "unavailable" | "unexpected";
}

export declare class JwksKeys {
  constructor(
    url: string | URL,
    options?: { cacheMs?: number; refetchIntervalMs?: number; timeoutMs?: number; fetch?: typeof fetch; now?: () => number },
  );
  key(kid: string): Promise<import("node:crypto").KeyObject | undefined>;
}

export interface KeySource {
  key(kid: string): Promise<import("node:crypto").KeyObject | undefined>;
}

export declare class WebhookVerifier {
  constructor(options: { secret?: string; secrets?: string[]; keys?: KeySource; toleranceSeconds?: number; now?: () => number });
  /** The parsed body when Crier signed it; otherwise rejects with WebhookVerificationError. */
  verify(body: Buffer | Uint8Array | string, headers: Record<string, string | string[] | undefined> | Headers): Promise<any>;
}

export declare class WebhookVerificationError extends Error {
  readonly reason: "missing_header" | "timestamp" | "signature" | "key_unavailable";
}

export declare const operations: Record<string, { method: string; path: string; query?: string[]; fields?: string[]; repeatable?: boolean }>;
