package dev.crier.client;

import java.util.List;

/**
 * Every call this client makes to Crier: its method, path, the query parameters and body fields it
 * may send, and whether a request that got no answer may be sent again (a retry of a create could
 * make a second one; 503 and 429 are always retried, Crier did nothing). The Node client keeps the
 * same table in {@code clients/node/src/operations.json}; crier-server's {@code ClientContractTest}
 * checks both against {@code openapi.json}.
 */
enum Operation {
  PUBLISH("POST", "/v1/events", true, List.of(), List.of("id", "type", "data")),
  LIST_EVENTS("GET", "/v1/events", true, List.of("type", "after", "limit", "order"), List.of()),
  GET_EVENT("GET", "/v1/events/{id}", true, List.of(), List.of()),
  PUT_EVENT_TYPE("PUT", "/v1/event-types/{name}", true, List.of(), List.of("description", "scope")),
  LIST_EVENT_TYPES("GET", "/v1/event-types", true, List.of(), List.of()),
  CREATE_WEBHOOK("POST", "/v1/webhooks", false, List.of(), WebhookSpec.FIELDS),
  LIST_WEBHOOKS("GET", "/v1/webhooks", true, List.of(), List.of()),
  GET_WEBHOOK("GET", "/v1/webhooks/{id}", true, List.of(), List.of()),
  UPDATE_WEBHOOK("PATCH", "/v1/webhooks/{id}", true, List.of(), WebhookSpec.FIELDS),
  DELETE_WEBHOOK("DELETE", "/v1/webhooks/{id}", true, List.of(), List.of()),
  ENABLE_WEBHOOK("POST", "/v1/webhooks/{id}/enable", true, List.of(), List.of()),
  DISABLE_WEBHOOK("POST", "/v1/webhooks/{id}/disable", true, List.of(), List.of()),
  RESUME_WEBHOOK("POST", "/v1/webhooks/{id}/resume", false, List.of(), List.of()),
  ROTATE_WEBHOOK_SECRET("POST", "/v1/webhooks/{id}/rotate-secret", false, List.of(), List.of("secret", "overlap_seconds")),
  LIST_DELIVERIES("GET", "/v1/deliveries", true, List.of("subscription", "status", "event_type", "after", "limit"), List.of()),
  CREATE_APP("POST", "/v1/apps", false, List.of(), List.of("name", "url")),
  LIST_APPS("GET", "/v1/apps", true, List.of(), List.of()),
  GET_APP("GET", "/v1/apps/{id}", true, List.of(), List.of()),
  DELETE_APP("DELETE", "/v1/apps/{id}", true, List.of(), List.of()),
  ISSUE_TOKEN("POST", "/v1/apps/{id}/tokens", false, List.of(), TokenRequest.FIELDS),
  LIST_TOKENS("GET", "/v1/apps/{id}/tokens", true, List.of(), List.of()),
  REVOKE_TOKEN("DELETE", "/v1/tokens/{id}", true, List.of(), List.of());

  final String method;
  final String path;
  final boolean retryUnanswered;
  final List<String> query;
  final List<String> fields;

  Operation(String method, String path, boolean retryUnanswered, List<String> query, List<String> fields) {
    this.method = method;
    this.path = path;
    this.retryUnanswered = retryUnanswered;
    this.query = query;
    this.fields = fields;
  }

  /** The name the Node client's table uses: {@code PUT_EVENT_TYPE} is {@code putEventType}. */
  String camelName() {
    StringBuilder out = new StringBuilder();
    for (String part : name().toLowerCase(java.util.Locale.ROOT).split("_")) {
      out.append(out.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return out.toString();
  }
}
