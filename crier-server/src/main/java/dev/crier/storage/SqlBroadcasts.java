package dev.crier.storage;

import dev.crier.broadcast.BroadcastStore;
import dev.crier.broadcast.PendingBroadcast;
import dev.crier.delivery.Attempt;
import dev.crier.delivery.DeliveryView;
import dev.crier.delivery.SendResult;
import dev.crier.event.FanOut;
import dev.crier.event.NewEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The {@code broadcast_pending} table, and broadcast attempts in {@code attempts} (sub_seq 0). */
public final class SqlBroadcasts implements BroadcastStore {
  private static final int ROWS_PER_UPSERT = 500;

  private final Database db;

  public SqlBroadcasts(Database db) {
    this.db = db;
  }

  private record Row(String receiver, String key, String type, String url, String lastEvent, long seq) {}

  /**
   * Inside the publish transaction: one upsert per (receiver, subject) of the batch, keeping the
   * latest event; several events on one subject in a batch collapse to the last before writing.
   */
  static void coalesce(
      Handle h, Collection<NewEvent> events, Map<String, Long> seqs, Map<String, FanOut.Targets> targetsOf, Instant now) {
    Map<String, Row> rows = new LinkedHashMap<>();
    List<NewEvent> bySeq = new ArrayList<>(events);
    bySeq.sort(Comparator.comparingLong(e -> seqs.get(e.id())));
    for (NewEvent e : bySeq) {
      FanOut.Targets targets = targetsOf.get(e.id());
      if (targets == null || targets.coalesced().isEmpty()) continue;
      String url = e.subject().url();
      String key = url != null ? url : e.subject().type() + ":" + e.subject().id();
      for (String receiver : targets.coalesced()) {
        rows.put(receiver + "\n" + key, new Row(receiver, key, e.subject().type(), url, e.type(), seqs.get(e.id())));
      }
    }
    if (rows.isEmpty()) return;
    List<Row> all = List.copyOf(rows.values());
    for (int from = 0; from < all.size(); from += ROWS_PER_UPSERT) {
      List<Row> chunk = all.subList(from, Math.min(all.size(), from + ROWS_PER_UPSERT));
      StringBuilder sql =
          new StringBuilder(
              "INSERT INTO broadcast_pending (subscription_id, subject_key, subject_type, subject_url,"
                  + " last_event, event_seq, updated_at) VALUES ");
      for (int i = 0; i < chunk.size(); i++) sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?)");
      sql.append(
          " ON CONFLICT (subscription_id, subject_key) DO UPDATE SET subject_type = excluded.subject_type,"
              + " subject_url = excluded.subject_url, last_event = excluded.last_event,"
              + " event_seq = excluded.event_seq, updated_at = excluded.updated_at");
      var update = h.createUpdate(sql.toString());
      int p = 0;
      for (Row r : chunk) {
        update.bind(p++, r.receiver()).bind(p++, r.key()).bind(p++, r.type()).bind(p++, r.url())
            .bind(p++, r.lastEvent()).bind(p++, r.seq()).bind(p++, now.toEpochMilli());
      }
      update.execute();
    }
  }

  @Override
  public List<PendingBroadcast> take(String receiverId) {
    return db.inTransaction(
        h ->
            h.createQuery(
                    "DELETE FROM broadcast_pending WHERE subscription_id = :id"
                        + " RETURNING subject_type, subject_url, last_event, event_seq")
                .bind("id", receiverId)
                .map((rs, ctx) -> Map.entry(rs.getLong("event_seq"),
                    new PendingBroadcast(rs.getString("subject_type"), rs.getString("subject_url"), rs.getString("last_event"))))
                .list()
                .stream()
                .sorted(Map.Entry.comparingByKey())
                .map(Map.Entry::getValue)
                .toList());
  }

  @Override
  public void log(String receiverId, List<Attempt> attempts) {
    if (attempts.isEmpty()) return;
    db.inTransaction(
        h -> {
          PreparedBatch batch =
              h.prepareBatch(
                  "INSERT INTO attempts (subscription_id, sub_seq, number, redelivery, attempted_at,"
                      + " request_headers, request_body, response_status, response_headers, response_body,"
                      + " duration_ms, error) VALUES (:id, 0, 1, 0, :at, :request_headers, :request_body,"
                      + " :code, :response_headers, :response_body, :duration, :error)");
          for (Attempt a : attempts) {
            batch.bind("id", receiverId)
                .bind("at", a.at().toEpochMilli())
                .bind("request_headers", Json.headers(a.requestHeaders()))
                .bind("request_body", new String(a.requestBody(), StandardCharsets.UTF_8));
            switch (a.result()) {
              case SendResult.Answered r ->
                  batch.bind("code", r.status())
                      .bind("response_headers", Json.headers(r.headers()))
                      .bind("response_body", new String(r.bodyStart(), StandardCharsets.UTF_8))
                      .bind("duration", (int) r.duration().toMillis())
                      .bind("error", r.status() >= 200 && r.status() < 300 ? null : "HTTP " + r.status());
              case SendResult.Failed f ->
                  batch.bind("code", (Integer) null)
                      .bind("response_headers", (String) null)
                      .bind("response_body", (String) null)
                      .bind("duration", (int) f.duration().toMillis())
                      .bind("error", f.error());
            }
            batch.add();
          }
          batch.execute();
          return null;
        });
  }

  @Override
  public List<DeliveryView.AttemptView> attempts(String receiverId, int limit) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT number, redelivery, attempted_at, request_headers, request_body, response_status,"
                        + " response_headers, response_body, duration_ms, error FROM attempts"
                        + " WHERE subscription_id = :id ORDER BY id DESC LIMIT :limit")
                .bind("id", receiverId)
                .bind("limit", limit)
                .map(SqlDeliveries::attemptView)
                .list());
  }
}
