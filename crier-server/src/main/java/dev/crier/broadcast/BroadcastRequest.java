package dev.crier.broadcast;

import dev.crier.subscription.Subscription;
import dev.crier.verify.Broadcasts;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A broadcast exactly as the Noko seed shows it: a tiny body, the brand's headers, hex HMAC. */
final class BroadcastRequest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Broadcasts signer;
  private final String userAgent;

  BroadcastRequest(String brand) {
    this.signer = Broadcasts.forBrand(brand);
    this.userAgent = brand + "-Broadcasts";
  }

  byte[] body(Subscription receiver, PendingBroadcast pending, Instant now) {
    ObjectNode out = JSON.createObjectNode();
    out.putObject("broadcast_receiver").put("id", Long.parseLong(receiver.id())).put("name", receiver.name());
    out.put("sent_at", now.truncatedTo(ChronoUnit.SECONDS).toString());
    out.put("last_event", pending.lastEvent());
    ObjectNode subject = out.putObject("subject");
    subject.put("type", pending.subjectType());
    subject.put("url", pending.subjectUrl());
    return JSON.writeValueAsBytes(out);
  }

  List<Map.Entry<String, String>> headers(Subscription receiver, PendingBroadcast pending, byte[] body) {
    return List.of(
        Map.entry("Content-Type", "application/json"),
        Map.entry(signer.subjectHeader(), pending.subjectType()),
        Map.entry(signer.signatureHeader(), signer.sign(receiver.secrets().current(), body)),
        Map.entry("User-Agent", userAgent));
  }
}
