package dev.crier.storage;

import dev.crier.broadcast.BroadcastStore;
import dev.crier.broadcast.PendingBroadcast;
import dev.crier.delivery.Attempt;
import dev.crier.delivery.DeliveryView;
import dev.crier.event.FanOut;
import dev.crier.event.NewEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The {@code broadcast_pending} table, and broadcast attempts in {@code attempts} (sub_seq 0). */
public final class SqlBroadcasts implements BroadcastStore {
  private final Database db;

  public SqlBroadcasts(Database db) {
    this.db = db;
  }

  private record Row(String receiver, String key, String type, String url, String lastEvent, long seq) {}

  /** Rows in the order every transaction locks them in: by receiver, then subject, as bytes. */
  private static final Comparator<Row> LOCK_ORDER =
      Comparator.comparing(Row::receiver, Dialect.BYTE_ORDER).thenComparing(Row::key, Dialect.BYTE_ORDER);

  /**
   * Inside the publish transaction: one upsert per (receiver, subject) of the batch, keeping the
   * latest event; several events on one subject in a batch collapse to the last before writing.
   * The upserts go in {@link #LOCK_ORDER}, the order {@link #take} locks a receiver's rows in: in
   * event order, a commit and a flush (or two commits) each held a row the other wanted, and
   * PostgreSQL aborted one of them as a deadlock.
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
    List<Row> ordered = new ArrayList<>(rows.values());
    ordered.sort(LOCK_ORDER);
    long at = now.toEpochMilli();
    Rows.batch(h,
        "INSERT INTO broadcast_pending (subscription_id, subject_key, subject_type, subject_url,"
            + " last_event, event_seq, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (subscription_id, subject_key) DO UPDATE SET subject_type = excluded.subject_type,"
            + " subject_url = excluded.subject_url, last_event = excluded.last_event,"
            + " event_seq = excluded.event_seq, updated_at = excluded.updated_at",
        ordered,
        (statement, r) -> {
          statement.setString(1, r.receiver());
          statement.setString(2, r.key());
          statement.setString(3, r.type());
          statement.setString(4, r.url());
          statement.setString(5, r.lastEvent());
          statement.setLong(6, r.seq());
          statement.setLong(7, at);
        });
  }

  @Override
  public List<PendingBroadcast> take(String receiverId) {
    return db.inTransaction(
        h -> {
          record Taken(long seq, String type, String url, String lastEvent) {}
          List<Taken> taken =
              h.createQuery(
                      "DELETE FROM broadcast_pending WHERE subscription_id = :id AND subject_key IN"
                          + " (SELECT subject_key FROM broadcast_pending WHERE subscription_id = :id"
                          + db.dialect().lockedInOrderOf("subject_key") + ")"
                          + " RETURNING subject_type, subject_url, last_event, event_seq")
                  .bind("id", receiverId)
                  .map((rs, ctx) -> new Taken(rs.getLong("event_seq"), rs.getString("subject_type"), rs.getString("subject_url"), rs.getString("last_event")))
                  .list();
          if (taken.isEmpty()) return List.<PendingBroadcast>of();
          // The latest event's required permissions, asked of the receiver's token when it is sent.
          Map<Long, List<String>> permissions = new java.util.HashMap<>();
          List<Long> seqs = taken.stream().map(Taken::seq).distinct().toList();
          for (int from = 0; from < seqs.size(); from += 1000) { // within every engine's parameter limit
            h.createQuery("SELECT seq, required_permissions FROM events WHERE seq IN (<seqs>)")
                .bindList("seqs", seqs.subList(from, Math.min(seqs.size(), from + 1000)))
                .map((rs, ctx) -> Map.entry(rs.getLong("seq"), Json.parseStringList(rs.getString("required_permissions"))))
                .forEach(e -> permissions.put(e.getKey(), e.getValue()));
          }
          return taken.stream()
              .sorted(java.util.Comparator.comparingLong(Taken::seq))
              .map(t -> new PendingBroadcast(t.type(), t.url(), t.lastEvent(), permissions.getOrDefault(t.seq(), List.of())))
              .toList();
        });
  }

  @Override
  public void log(String receiverId, List<Attempt> attempts) {
    if (attempts.isEmpty()) return;
    List<SqlDeliveries.LoggedAttempt> logged =
        attempts.stream().map(a -> new SqlDeliveries.LoggedAttempt(receiverId, 0, a)).toList();
    db.inTransaction(
        h -> {
          SqlDeliveries.insertAttempts(h, logged);
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
