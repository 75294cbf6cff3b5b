package dev.crier.storage;

import dev.crier.delivery.Attempt;
import dev.crier.delivery.DeliveryQuery;
import dev.crier.delivery.DeliveryStatus;
import dev.crier.delivery.DeliveryStore;
import dev.crier.delivery.DeliveryView;
import dev.crier.delivery.Outcome;
import dev.crier.delivery.PendingDelivery;
import dev.crier.delivery.Pruned;
import dev.crier.delivery.SendResult;
import dev.crier.delivery.ShownBytes;
import dev.crier.event.Dispatch;
import dev.crier.event.Event;
import dev.crier.event.FanOut;
import dev.crier.event.NewEvent;
import dev.crier.subscription.Transition;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** Deliveries and attempts in the {@code deliveries} and {@code attempts} tables. */
public final class SqlDeliveries implements DeliveryStore {
  private static final String VIEW_COLUMNS =
      "d.subscription_id, d.sub_seq, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at,"
          + " d.last_status, d.last_error, d.last_duration_ms, d.last_request_headers,"
          + " d.last_response_headers, d.last_response_body, d.created_at, d.updated_at, "
          + SqlEventLog.columns("e");

  /**
   * The condition of the {@code deliveries_open} partial index: a query that repeats it (with
   * the table's alias) can use the index.
   */
  static final String OPEN = "status IN ('pending', 'failed')";

  /** A lane's next window of pending deliveries (:id, :after, :limit), with the events. */
  static final String PENDING_WINDOW =
      "SELECT d.sub_seq, d.attempts, d.next_attempt_at, "
          + SqlEventLog.columns("e")
          + ", (SELECT a.request_body FROM attempts a WHERE a.subscription_id ="
          + " d.subscription_id AND a.sub_seq = d.sub_seq AND a.redelivery = 0"
          + " ORDER BY a.id DESC LIMIT 1) AS sent_body"
          + " FROM deliveries d JOIN events e ON e.seq = d.event_seq"
          + " WHERE d.subscription_id = :id AND d.status = 'pending' AND d." + OPEN + " AND d.sub_seq > :after"
          + " ORDER BY d.sub_seq LIMIT :limit";

  /**
   * True for a subscription (the SQL expression {@code id}) that has a pending delivery. It is a
   * subquery run per subscription, which finds that subscription's first pending row in the open
   * index. An EXISTS may be turned into a join instead, and without statistics PostgreSQL made
   * it one that read every pending row (and spilled to disk) for each subscription.
   */
  static String hasPending(String id) {
    return "(SELECT 1 FROM deliveries d WHERE d.subscription_id = " + id
        + " AND d.status = 'pending' AND d." + OPEN + " LIMIT 1) IS NOT NULL";
  }

  /** The active subscriptions that have pending deliveries. */
  static final String WITH_PENDING_WORK =
      "SELECT s.id FROM subscriptions s WHERE s.status = 'active' AND " + hasPending("s.id");

  /** The open-index condition when {@code status} is an open one, so the query can use it. */
  private static String open(DeliveryStatus status) {
    return status == DeliveryStatus.PENDING || status == DeliveryStatus.FAILED ? " AND d." + OPEN : "";
  }

  /** The cluster-wide lock under which one node at a time prunes. */
  private static final long PRUNE_CHORE = 0x63726965720001L;

  private final Database db;
  /** This node's id on a shared database: outcomes are written only while it owns the lease. */
  private final String node;

  /** Deliveries of a database one process owns. */
  public SqlDeliveries(Database db) {
    this(db, null);
  }

  /** Deliveries of a shared database, written by node {@code node} under its leases. */
  public SqlDeliveries(Database db, String node) {
    this.db = db;
    this.node = node;
  }

  /**
   * Inside the publish transaction: numbers each new event's deliveries in its subscription's own
   * order (taking the numbers under the subscription row's lock) and inserts them.
   *
   * @return the created deliveries by event id
   */
  static Map<String, List<Dispatch>> create(
      Handle h,
      Collection<NewEvent> events,
      Map<String, Long> seqs,
      Map<String, FanOut.Targets> targetsOf,
      Instant receivedAt) {
    List<NewEvent> bySeq = new ArrayList<>(events);
    bySeq.sort(Comparator.comparingLong(e -> seqs.get(e.id())));
    Map<String, Integer> counts = new java.util.TreeMap<>(); // by id: every committer locks subscription rows in one order
    for (NewEvent event : bySeq) {
      for (String target : deliveriesOf(targetsOf, event)) counts.merge(target, 1, Integer::sum);
    }
    Map<String, List<Dispatch>> created = new HashMap<>();
    if (counts.isEmpty()) return created;
    Map<String, Long> next = new HashMap<>();
    // one prepared statement for every subscription of the commit (the profile showed Jdbi's
    // per-query setup at most of this step's cost)
    try (java.sql.PreparedStatement numbering =
        h.getConnection().prepareStatement(
            "UPDATE subscriptions SET next_seq = next_seq + ? WHERE id = ? AND status <> 'disabled' RETURNING next_seq")) {
      for (var entry : counts.entrySet()) {
        numbering.setInt(1, entry.getValue());
        numbering.setString(2, entry.getKey());
        try (ResultSet rs = numbering.executeQuery()) {
          if (rs.next()) next.put(entry.getKey(), rs.getLong(1) - entry.getValue() + 1);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("numbering deliveries failed: " + e.getMessage(), e);
    }
    List<Dispatch> rows = new ArrayList<>();
    for (NewEvent e : bySeq) {
      Event event = SqlEventLog.stored(e, seqs.get(e.id()), receivedAt);
      for (String target : deliveriesOf(targetsOf, e)) {
        Long subSeq = next.get(target);
        if (subSeq == null) continue;
        next.put(target, subSeq + 1);
        Dispatch dispatch = new Dispatch(target, subSeq, event);
        rows.add(dispatch);
        created.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(dispatch);
      }
    }
    long now = receivedAt.toEpochMilli();
    Rows.batch(h,
        "INSERT INTO deliveries (subscription_id, sub_seq, event_seq, status, attempts, next_attempt_at,"
            + " created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?, ?)",
        rows,
        (statement, d) -> {
          statement.setString(1, d.subscriptionId());
          statement.setLong(2, d.subSeq());
          statement.setLong(3, d.event().seq());
          statement.setLong(4, now);
          statement.setLong(5, now);
          statement.setLong(6, now);
        });
    return created;
  }

  private static List<String> deliveriesOf(Map<String, FanOut.Targets> targetsOf, NewEvent event) {
    FanOut.Targets targets = targetsOf.get(event.id());
    return targets == null ? List.of() : targets.deliveries();
  }

  @Override
  public List<PendingDelivery> pending(String subscriptionId, long afterSubSeq, int limit) {
    return db.withHandle(
        h ->
            h.createQuery(PENDING_WINDOW)
                .bind("id", subscriptionId)
                .bind("after", afterSubSeq)
                .bind("limit", limit)
                .map(
                    (rs, ctx) -> {
                      String body = rs.getString("sent_body");
                      return new PendingDelivery(
                          subscriptionId,
                          rs.getLong("sub_seq"),
                          SqlEventLog.row(rs, ctx),
                          rs.getInt("attempts"),
                          Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
                          body == null ? null : body.getBytes(StandardCharsets.UTF_8));
                    })
                .list());
  }

  @Override
  public List<String> subscriptionsWithPendingWork() {
    return db.withHandle(
        h ->
            h.createQuery(WITH_PENDING_WORK)
                .mapTo(String.class)
                .list());
  }

  @Override
  public void record(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) return;
    db.inTransaction(h -> write(h, outcomes, false));
  }

  /**
   * The UPDATE that writes one outcome: 13 parameters, and a 14th (this node) when {@code
   * fenced}. Its plan, and those of {@link #PENDING_WINDOW} and {@link #WITH_PENDING_WORK}, are
   * pinned by a test: each delivery runs them, so a plan that walks rows by status instead of
   * going to the subscription's own would make every outcome cost the whole backlog.
   */
  static String outcomeUpdate(boolean anyStatus, boolean fenced) {
    String fence =
        anyStatus
            ? ""
            : " AND status = 'pending'"
                + (fenced
                    ? " AND EXISTS (SELECT 1 FROM leases l WHERE l.subscription_id = deliveries.subscription_id"
                        + " AND l.owner = ?)"
                    : "");
    return "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?,"
        + " last_status = ?, last_error = ?, last_duration_ms = ?, last_request_headers = ?,"
        + " last_response_headers = ?, last_response_body = ?, updated_at = ?"
        + " WHERE subscription_id = ? AND sub_seq = ?" + fence;
  }

  /**
   * Writes outcomes; unless {@code anyStatus}, only to deliveries still pending and, on a shared
   * database, whose lease this node still owns (an owner that lost it must not overwrite what
   * the new owner does).
   *
   * @return how many deliveries were written
   */
  private int write(Handle h, List<Outcome> outcomes, boolean anyStatus) {
    boolean fenced = !anyStatus && node != null;
    if (fenced) lockLeases(h, outcomes);
    int[] counts =
        Rows.batch(h,
            outcomeUpdate(anyStatus, fenced),
            outcomes,
            (statement, o) -> {
              Attempt a = o.attempt();
              Answer answer = Answer.of(a.result());
              long at = a.at().toEpochMilli();
              statement.setString(1, o.status().wire());
              statement.setInt(2, o.attempts());
              statement.setLong(3, o.nextAttemptAt().toEpochMilli());
              statement.setLong(4, at);
              Rows.setInt(statement, 5, answer.status());
              statement.setString(6, answer.error());
              Rows.setInt(statement, 7, answer.durationMs());
              statement.setString(8, Json.headers(a.requestHeaders()));
              statement.setString(9, Json.headers(answer.headers()));
              statement.setString(10, answer.body());
              statement.setLong(11, at);
              statement.setString(12, o.subscriptionId());
              statement.setLong(13, o.subSeq());
              if (fenced) statement.setString(14, node);
            });
    List<LoggedAttempt> logged = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.status() != DeliveryStatus.DELIVERED || o.attempt().redelivery()) {
        logged.add(new LoggedAttempt(o.subscriptionId(), o.subSeq(), o.attempt()));
      }
    }
    insertAttempts(h, logged);
    int written = 0;
    for (int count : counts) written += count;
    return written;
  }

  /**
   * Holds this node's leases on the outcomes' subscriptions (those it still owns) until the
   * transaction ends, so the fence in {@link #outcomeUpdate} stays true until the outcomes are
   * committed. Without the lock the check and the write were not atomic: a claimer could take
   * the lease between them and read the delivery as still pending (the write is not committed),
   * send it itself, and then have this node's stale outcome land over its own. A claimer that
   * meets a row locked here skips it ({@code SKIP LOCKED}) and renewals wait for the commit.
   * Rows are locked in id order, the order {@link SqlLeases#renew} locks them in.
   */
  private void lockLeases(Handle h, List<Outcome> outcomes) {
    java.util.SortedSet<String> ids = new java.util.TreeSet<>();
    for (Outcome o : outcomes) ids.add(o.subscriptionId());
    h.createQuery(
            "SELECT subscription_id FROM leases WHERE owner = :node AND subscription_id IN (<ids>)"
                + " ORDER BY subscription_id FOR SHARE")
        .bind("node", node)
        .bindList("ids", List.copyOf(ids))
        .mapTo(String.class)
        .list();
  }

  /** An attempt to log: of a delivery, or (sub_seq 0) of a broadcast receiver. */
  record LoggedAttempt(String subscriptionId, long subSeq, Attempt attempt) {}

  /** Writes attempts to {@code attempts} (deliveries' unsuccessful ones, redeliveries, broadcasts). */
  static void insertAttempts(Handle h, List<LoggedAttempt> attempts) {
    Rows.batch(h,
        "INSERT INTO attempts (subscription_id, sub_seq, number, redelivery, attempted_at,"
            + " request_headers, request_body, response_status, response_headers, response_body,"
            + " duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        attempts,
        (statement, logged) -> {
          Attempt a = logged.attempt();
          Answer answer = Answer.of(a.result());
          statement.setString(1, logged.subscriptionId());
          statement.setLong(2, logged.subSeq());
          statement.setInt(3, a.number());
          statement.setInt(4, a.redelivery() ? 1 : 0);
          statement.setLong(5, a.at().toEpochMilli());
          statement.setString(6, Json.headers(a.requestHeaders()));
          statement.setString(7, a.requestBody() == null ? null : new String(a.requestBody(), StandardCharsets.UTF_8));
          Rows.setInt(statement, 8, answer.status());
          statement.setString(9, Json.headers(answer.headers()));
          statement.setString(10, answer.body());
          Rows.setInt(statement, 11, answer.durationMs());
          statement.setString(12, answer.error());
        });
  }

  /**
   * The parts of a send result that are stored. The body's start is stored as {@link ShownBytes}
   * text (the headers arrive so already), so that whatever bytes a receiver sent, both databases
   * take the row and show it alike: a NUL or invalid UTF-8 in a TEXT column makes PostgreSQL
   * refuse the whole transaction.
   */
  private record Answer(
      Integer status, List<Map.Entry<String, String>> headers, String body, Integer durationMs, String error) {
    static Answer of(SendResult result) {
      return switch (result) {
        case SendResult.Answered a ->
            new Answer(
                a.status(),
                a.headers(),
                ShownBytes.of(a.bodyStart()),
                (int) a.duration().toMillis(),
                a.status() >= 200 && a.status() < 300 ? null : "HTTP " + a.status());
        case SendResult.Failed f -> new Answer(null, null, null, (int) f.duration().toMillis(), f.error());
      };
    }
  }

  @Override
  public boolean halt(Outcome failed, Instant now) {
    return recordWith(failed, Transition.HALT, now);
  }

  @Override
  public boolean disableGone(Outcome gone, Instant now) {
    return recordWith(gone, Transition.GONE, now);
  }

  /**
   * Writes the attempt that causes {@code t} together with it, or neither: when the subscription
   * is no longer active (disabled or deleted meanwhile) the attempt is logged and the delivery
   * stays pending, so whatever comes next starts from it; when the delivery is no longer this
   * node's to record, nothing is written.
   */
  private boolean recordWith(Outcome outcome, Transition t, Instant now) {
    try {
      return db.inTransaction(
          h -> {
            if (Transitions.begin(h, outcome.subscriptionId(), t, now).isEmpty()) {
              write(h, List.of(new Outcome(outcome.subscriptionId(), outcome.subSeq(), DeliveryStatus.PENDING,
                  outcome.attempts(), now, outcome.attempt())), false);
              return false;
            }
            if (write(h, List.of(outcome), false) != 1) throw new Transitions.Refused();
            return true;
          });
    } catch (Transitions.Refused e) {
      return false;
    }
  }

  @Override
  public boolean resume(String subscriptionId, Instant now) {
    return db.inTransaction(h -> Transitions.apply(h, subscriptionId, Transition.RESUME, now).isPresent());
  }

  @Override
  public void recordRedelivery(Outcome outcome) {
    db.inTransaction(
        h -> {
          Optional<String> status =
              h.createQuery("SELECT status FROM deliveries WHERE subscription_id = :id AND sub_seq = :seq")
                  .bind("id", outcome.subscriptionId())
                  .bind("seq", outcome.subSeq())
                  .mapTo(String.class)
                  .findOne();
          if (status.isEmpty()) return null;
          // A successful redelivery settles a failed delivery; otherwise the delivery keeps its
          // state (a pending one stays in its lane's hands) and only the attempt is logged.
          if (outcome.status() == DeliveryStatus.DELIVERED && status.get().equals("failed")) {
            write(h, List.of(outcome), true);
          } else {
            insertAttempts(h, List.of(new LoggedAttempt(outcome.subscriptionId(), outcome.subSeq(), outcome.attempt())));
          }
          return null;
        });
  }

  @Override
  public Optional<DeliveryView> find(String subscriptionId, long subSeq) {
    return db.withHandle(
        h -> {
          Optional<DeliveryView> view =
              h.createQuery(
                      "SELECT " + VIEW_COLUMNS + " FROM deliveries d JOIN events e ON e.seq = d.event_seq"
                          + " WHERE d.subscription_id = :id AND d.sub_seq = :seq")
                  .bind("id", subscriptionId)
                  .bind("seq", subSeq)
                  .map(SqlDeliveries::view)
                  .findOne();
          return view.map(v -> withAttempts(h, v));
        });
  }

  private static DeliveryView withAttempts(Handle h, DeliveryView v) {
    List<DeliveryView.AttemptView> log =
        h.createQuery(
                "SELECT number, redelivery, attempted_at, request_headers, request_body, response_status,"
                    + " response_headers, response_body, duration_ms, error FROM attempts"
                    + " WHERE subscription_id = :id AND sub_seq = :seq ORDER BY id")
            .bind("id", v.subscriptionId())
            .bind("seq", v.subSeq())
            .map(SqlDeliveries::attemptView)
            .list();
    return new DeliveryView(
        v.subscriptionId(), v.subSeq(), v.event(), v.status(), v.attempts(), v.nextAttemptAt(),
        v.lastAttemptAt(), v.lastStatus(), v.lastError(), v.lastDurationMs(), v.lastRequestHeaders(),
        v.lastResponseHeaders(), v.lastResponseBody(), v.createdAt(), v.updatedAt(), log);
  }

  static DeliveryView.AttemptView attemptView(ResultSet rs, StatementContext ctx) throws SQLException {
    return new DeliveryView.AttemptView(
        rs.getInt("number"),
        rs.getInt("redelivery") == 1,
        Instant.ofEpochMilli(rs.getLong("attempted_at")),
        Json.parseHeaders(rs.getString("request_headers")),
        rs.getString("request_body"),
        integer(rs, "response_status"),
        Json.parseHeaders(rs.getString("response_headers")),
        rs.getString("response_body"),
        integer(rs, "duration_ms"),
        rs.getString("error"));
  }

  @Override
  public List<DeliveryView> page(String subscriptionId, DeliveryStatus status, Long beforeSubSeq, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + VIEW_COLUMNS + " FROM deliveries d JOIN events e ON e.seq = d.event_seq"
                + " WHERE d.subscription_id = :id");
    if (status != null) sql.append(" AND d.status = :status").append(open(status));
    if (beforeSubSeq != null) sql.append(" AND d.sub_seq < :before");
    sql.append(" ORDER BY d.sub_seq DESC LIMIT :limit");
    return db.withHandle(
        h -> {
          Query q = h.createQuery(sql.toString()).bind("id", subscriptionId).bind("limit", limit);
          if (status != null) q.bind("status", status.wire());
          if (beforeSubSeq != null) q.bind("before", beforeSubSeq);
          return q.map(SqlDeliveries::view).list();
        });
  }

  @Override
  public List<DeliveryView> search(DeliveryQuery q) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + VIEW_COLUMNS + " FROM deliveries d JOIN events e ON e.seq = d.event_seq WHERE 1 = 1"
                + SqlDeliveryStats.scopeCondition("d.subscription_id", q.scope()));
    if (q.status() != null) sql.append(" AND d.status = :status").append(open(q.status()));
    if (q.eventType() != null) sql.append(" AND e.type = :type");
    if (q.since() != null) sql.append(" AND d.created_at >= :since");
    if (q.until() != null) sql.append(" AND d.created_at < :until");
    if (q.after() != null) {
      sql.append(" AND (d.event_seq < :after_seq OR (d.event_seq = :after_seq AND d.subscription_id < :after_id))");
    }
    sql.append(" ORDER BY d.event_seq DESC, d.subscription_id DESC LIMIT :limit");
    return db.withHandle(
        h -> {
          Query query = h.createQuery(sql.toString()).bind("limit", q.limit());
          SqlDeliveryStats.bindScope(query, q.scope());
          if (q.status() != null) query.bind("status", q.status().wire());
          if (q.eventType() != null) query.bind("type", q.eventType());
          if (q.since() != null) query.bind("since", q.since().toEpochMilli());
          if (q.until() != null) query.bind("until", q.until().toEpochMilli());
          if (q.after() != null) query.bind("after_seq", q.after().eventSeq()).bind("after_id", q.after().subscriptionId());
          return query.map(SqlDeliveries::view).list();
        });
  }

  private static DeliveryView view(ResultSet rs, StatementContext ctx) throws SQLException {
    return new DeliveryView(
        rs.getString("subscription_id"),
        rs.getLong("sub_seq"),
        SqlEventLog.row(rs, ctx),
        DeliveryStatus.parse(rs.getString("status")),
        rs.getInt("attempts"),
        Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
        SqlSubscriptions.instant(rs, "last_attempt_at"),
        integer(rs, "last_status"),
        rs.getString("last_error"),
        integer(rs, "last_duration_ms"),
        Json.parseHeaders(rs.getString("last_request_headers")),
        Json.parseHeaders(rs.getString("last_response_headers")),
        rs.getString("last_response_body"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        List.of());
  }

  private static Integer integer(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  /** Rows one prune transaction deletes at most (of each table). */
  static final int PRUNE_BATCH = 1_000;

  /**
   * Deletes in transactions of at most {@value #PRUNE_BATCH} deliveries (with their attempts),
   * then events nothing refers to, in batches too: one transaction for the whole table held its
   * locks and its write-ahead log for as long as the delete took, and on SQLite kept every
   * publish waiting. Each batch takes the cluster-wide chore lock for itself; when another node
   * holds it, that node is pruning and this one stops.
   */
  @Override
  public Pruned prune(Instant before) {
    long cutoff = before.toEpochMilli();
    int deliveries = 0;
    int batches = 0;
    // a deleted subscription's cancelled deliveries stay in the log as long as delivered ones
    for (String status : List.of("delivered", "cancelled")) {
      for (Integer deleted = 0; deleted != null; ) {
        deleted = db.inTransaction(h -> db.dialect().tryChoreLock(h, PRUNE_CHORE) ? pruneDeliveries(h, status, cutoff) : null);
        if (deleted == null) return new Pruned(deliveries, batches); // another node prunes now
        deliveries += deleted;
        batches++;
        if (deleted < PRUNE_BATCH) break;
      }
    }
    // nodes not heard of for the whole retention period (they ran on data directories now gone)
    db.withHandle(h -> h.createUpdate("DELETE FROM nodes WHERE heartbeat_at < :cutoff").bind("cutoff", cutoff).execute());
    long after = 0;
    while (after >= 0) {
      long from = after;
      after = db.inTransaction(h -> db.dialect().tryChoreLock(h, PRUNE_CHORE) ? pruneEvents(h, cutoff, from) : -1L);
    }
    return new Pruned(deliveries, batches);
  }

  /** Deletes one batch of deliveries in {@code status} (delivered or cancelled) older than the cutoff, and their attempts; how many. */
  private static int pruneDeliveries(Handle h, String status, long cutoff) {
    List<Map.Entry<String, Long>> keys =
        h.createQuery(
                "SELECT subscription_id, sub_seq FROM deliveries WHERE status = :status AND updated_at < :cutoff"
                    + " LIMIT :batch")
            .bind("status", status)
            .bind("cutoff", cutoff)
            .bind("batch", PRUNE_BATCH)
            .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
            .list();
    if (keys.isEmpty()) return 0;
    Rows.batch(h, "DELETE FROM attempts WHERE subscription_id = ? AND sub_seq = ?", keys, (statement, k) -> {
      statement.setString(1, k.getKey());
      statement.setLong(2, k.getValue());
    });
    Rows.batch(h,
        "DELETE FROM deliveries WHERE subscription_id = ? AND sub_seq = ? AND status = ? AND updated_at < ?",
        keys,
        (statement, k) -> {
          statement.setString(1, k.getKey());
          statement.setLong(2, k.getValue());
          statement.setString(3, status);
          statement.setLong(4, cutoff);
        });
    // read in this transaction, delivered rows change no more: each one found is deleted
    return keys.size();
  }

  /**
   * Deletes the unreferenced events among the next {@value #PRUNE_BATCH} older than the cutoff
   * after seq {@code after}; the last seq looked at, or -1 when there are no more.
   */
  private static long pruneEvents(Handle h, long cutoff, long after) {
    List<Long> seqs =
        h.createQuery("SELECT seq FROM events WHERE seq > :after AND received_at < :cutoff ORDER BY seq LIMIT :batch")
            .bind("after", after)
            .bind("cutoff", cutoff)
            .bind("batch", PRUNE_BATCH)
            .mapTo(Long.class)
            .list();
    if (seqs.isEmpty()) return -1;
    h.createUpdate(
            "DELETE FROM events WHERE seq IN (<seqs>) AND NOT EXISTS"
                + " (SELECT 1 FROM deliveries d WHERE d.event_seq = events.seq)")
        .bindList("seqs", seqs)
        .execute();
    return seqs.size() < PRUNE_BATCH ? -1 : seqs.get(seqs.size() - 1);
  }
}
