package dev.crier.api;

import dev.crier.event.Event;
import dev.crier.event.EventTypeName;
import dev.crier.event.NewEvent;
import dev.crier.event.Receipt;
import dev.crier.event.Subject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/** The JSON shape of events: parsing what publishers send, rendering what is stored. */
final class EventJson {
  private static final String[] FIELDS = {
    "id", "type", "account", "subject", "data", "changes", "required_permissions", "occurred_at"
  };
  private static final String[] SUBJECT_FIELDS = {"type", "id", "path", "url"};
  private static final int MAX_ID = 200;
  private static final int MAX_TEXT = 200;
  private static final int MAX_URL = 2048;

  private EventJson() {}

  /** Parses one event at {@code path}, recording problems; null when it had any. */
  static NewEvent parse(JsonNode node, String path, List<FieldError> errors, Instant now) {
    int before = errors.size();
    Fields f = Fields.of(node, path, errors).only(FIELDS);
    String id = f.optionalString("id", MAX_ID);
    if (id != null && (id.isEmpty() || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      f.error("id", "must be printable ASCII without spaces (1 to " + MAX_ID + " characters)");
    }
    String type = f.requiredString("type", 100);
    if (type != null) EventTypeName.problem(type).ifPresent(reason -> f.error("type", reason));
    String account = f.optionalString("account", MAX_TEXT);
    Subject subject = subject(f, type);
    String data = jsonObject(f, "data");
    String changes = changes(f);
    List<String> permissions = f.strings("required_permissions", MAX_TEXT);
    Instant occurredAt = timestamp(f, "occurred_at", now);
    if (errors.size() > before) return null;
    return new NewEvent(
        id, type, account, subject, data, changes, permissions, occurredAt, contentHash(node));
  }

  private static Subject subject(Fields event, String eventType) {
    Fields f = event.object("subject");
    String defaultType =
        eventType != null && EventTypeName.problem(eventType).isEmpty()
            ? EventTypeName.resourceOf(eventType)
            : null;
    if (f == null) return defaultType == null ? null : new Subject(defaultType, null, null, null);
    f.only(SUBJECT_FIELDS);
    String type = f.optionalString("type", MAX_TEXT);
    String id = f.optionalString("id", MAX_TEXT);
    String path = f.optionalString("path", 1024);
    if (path != null && !path.startsWith("/")) f.error("path", "must start with '/'");
    String url = f.optionalString("url", MAX_URL);
    if (url != null && !isAbsoluteHttpUrl(url)) {
      f.error("url", "must be an absolute http or https URL, got '" + url + "'");
    }
    return new Subject(type != null ? type : defaultType, id, path, url);
  }

  static boolean isAbsoluteHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return uri.isAbsolute()
          && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static String jsonObject(Fields f, String name) {
    JsonNode value = f.raw(name);
    if (value == null) return null;
    if (!value.isObject()) {
      f.error(name, "must be a JSON object, got " + Fields.kind(value));
      return null;
    }
    return Json.MAPPER.writeValueAsString(value);
  }

  private static String changes(Fields f) {
    JsonNode value = f.raw("changes");
    String json = jsonObject(f, "changes");
    if (json == null) return null;
    for (var entry : value.properties()) {
      JsonNode pair = entry.getValue();
      if (!pair.isArray() || pair.size() != 2) {
        f.error("changes." + entry.getKey(), "must be a two-element array [old, new]");
      }
    }
    return json;
  }

  private static Instant timestamp(Fields f, String name, Instant now) {
    Instant at = f.optionalTimestamp(name);
    return at == null ? now : at;
  }

  /**
   * A hash of what the publisher sent, apart from the id, with object keys sorted: a retry of
   * the same event hashes the same even when a client library reorders the fields.
   */
  private static String contentHash(JsonNode node) {
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    copy.remove("id");
    try {
      byte[] canonical = Json.MAPPER.writeValueAsBytes(canonical(copy));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object canonical(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> sorted = new TreeMap<>();
      for (var entry : node.properties()) sorted.put(entry.getKey(), canonical(entry.getValue()));
      return sorted;
    }
    if (node.isArray()) {
      List<Object> items = new java.util.ArrayList<>();
      for (JsonNode item : node) items.add(canonical(item));
      return items;
    }
    return node;
  }

  static ObjectNode render(Event event) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", event.id());
    out.put("seq", event.seq());
    out.put("type", event.type());
    out.put("account", event.account());
    Subject s = event.subject();
    if (s == null) {
      out.putNull("subject");
    } else {
      out.putObject("subject")
          .put("type", s.type())
          .put("id", s.id())
          .put("path", s.path())
          .put("url", s.url());
    }
    raw(out, "data", event.data());
    raw(out, "changes", event.changes());
    ArrayNode permissions = out.putArray("required_permissions");
    event.requiredPermissions().forEach(permissions::add);
    out.put("occurred_at", event.occurredAt().toString());
    out.put("received_at", event.receivedAt().toString());
    return out;
  }

  private static void raw(ObjectNode out, String name, String json) {
    if (json == null) out.putNull(name);
    else out.putRawValue(name, new RawValue(json));
  }

  static ObjectNode render(Receipt receipt) {
    return Json.MAPPER
        .createObjectNode()
        .put("id", receipt.id())
        .put("seq", receipt.seq())
        .put("received_at", receipt.receivedAt().toString());
  }

  static int size(JsonNode node) {
    return Json.MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
  }
}
