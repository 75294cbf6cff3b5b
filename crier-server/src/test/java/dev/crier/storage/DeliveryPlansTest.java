package dev.crier.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The statements that read one subscription's deliveries (each outcome, each lane window, and the
 * backstop's and lease checks for pending work) find that subscription's rows through an index, in the
 * plan the database would keep for them: PostgreSQL's generic plan (what a server-side prepared
 * statement settles on after five runs), made on a table that was never analysed, which is what
 * a new server under load, or any server with autovacuum off, has. With an index on (status,
 * updated_at) PostgreSQL chose that one for the outcome UPDATE's "status = 'pending'" in this
 * state, and each outcome then walked every pending row: at 1,000 events/s to 10 webhooks,
 * delivery stalled within a minute.
 */
class DeliveryPlansTest {
  private static final Pattern DELIVERIES_INDEX = Pattern.compile("\\bdeliveries_\\w+");
  private static final Map<Engine, TestCrier> criers = new EnumMap<>(Engine.class);

  @AfterAll
  static void stop() {
    criers.values().forEach(TestCrier::close);
  }

  /**
   * Table states of a young server, none analysed: with 300 rows, most of them delivered by an
   * UPDATE, PostgreSQL planned the outcome UPDATE through the old index on (status, updated_at).
   */
  static Stream<Arguments> states() {
    return Stream.of(Engine.values()).flatMap(e -> IntStream.of(0, 30, 300, 3000).mapToObj(rows -> Arguments.of(e, rows)));
  }

  @ParameterizedTest(name = "{0}, {1} deliveries")
  @MethodSource("states")
  void eachReadOfASubscriptionsDeliveriesSearchesItsOwnRows(Engine engine, int rows) throws SQLException {
    TestCrier crier = criers.computeIfAbsent(engine, TestCrier::start);
    fill(crier, rows);
    for (String sql :
        List.of(
            SqlDeliveries.outcomeUpdate(false, true),
            SqlDeliveries.outcomeUpdate(false, false),
            SqlDeliveries.outcomeUpdate(true, false),
            SqlDeliveries.PENDING_WINDOW,
            SqlDeliveries.WITH_PENDING_WORK,
            SqlLeases.OWNED_WITH_WORK)) {
      assertFindsBySubscription(crier, sql);
    }
  }

  /** {@code rows} deliveries over 10 subscriptions, the oldest 80% of them then delivered. */
  private static void fill(TestCrier crier, int rows) throws SQLException {
    try (Connection c = crier.database().connect(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM deliveries");
      for (int i = 1; i <= rows; i++) {
        s.addBatch("INSERT INTO deliveries (subscription_id, sub_seq, event_seq, status, attempts,"
            + " next_attempt_at, created_at, updated_at) VALUES ('wh_" + (i % 10) + "', " + i + ", " + i
            + ", 'pending', 0, 0, 0, 0)");
      }
      if (rows > 0) s.executeBatch();
      s.executeUpdate("UPDATE deliveries SET status = 'delivered', updated_at = 1 WHERE sub_seq <= " + rows * 8 / 10);
    }
  }

  /** Every read of {@code deliveries} in the plan of {@code sql} is an index search on subscription_id. */
  private static void assertFindsBySubscription(TestCrier crier, String sql) throws SQLException {
    Engine engine = crier.database().engine();
    List<String> plan;
    try (Connection c = crier.database().connect()) {
      plan = engine == Engine.POSTGRESQL ? genericPlan(c, sql) : sqlitePlan(c, sql);
    }
    List<String> searches = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      String line = plan.get(i);
      assertThat(line).as("%s%nplan:%n%s", sql, String.join("\n", plan))
          .doesNotContainPattern("(Seq Scan on deliveries|SCAN (deliveries|d))\\b");
      if (engine == Engine.POSTGRESQL) {
        if (!line.contains(" Scan") || !DELIVERIES_INDEX.matcher(line).find()) continue;
        String cond = i + 1 < plan.size() ? plan.get(i + 1).trim() : "";
        searches.add(line.trim() + " / " + cond);
        assertThat(cond).as("%s%nplan:%n%s", sql, String.join("\n", plan)).startsWith("Index Cond:").contains("subscription_id");
      } else if (line.contains("SEARCH d ") || line.contains("SEARCH deliveries ")) {
        searches.add(line.trim());
        assertThat(line).as("%s%nplan:%n%s", sql, String.join("\n", plan)).contains("subscription_id=");
      }
    }
    assertThat(searches).as("%s reads deliveries through an index%nplan:%n%s", sql, String.join("\n", plan)).isNotEmpty();
  }

  /** PostgreSQL's generic plan of {@code sql}, its {@code ?} and {@code :name} parameters made {@code $n}. */
  private static List<String> genericPlan(Connection c, String sql) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    Matcher m = Pattern.compile("\\?|(?<!:):[a-z]+").matcher(sql);
    while (m.find()) m.appendReplacement(numbered, "\\$" + ++n);
    m.appendTail(numbered);
    try (Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE hot AS " + numbered);
      String nulls = String.join(", ", Collections.nCopies(n, "NULL"));
      return lines(s.executeQuery("EXPLAIN EXECUTE hot" + (n == 0 ? "" : "(" + nulls + ")")));
    }
  }

  private static List<String> sqlitePlan(Connection c, String sql) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql.replaceAll("(?<!:):[a-z]+", "?"))) {
      try (ResultSet rs = p.executeQuery()) {
        List<String> plan = new ArrayList<>();
        while (rs.next()) plan.add(rs.getString("detail"));
        return plan;
      }
    }
  }

  private static List<String> lines(ResultSet rs) throws SQLException {
    List<String> plan = new ArrayList<>();
    while (rs.next()) plan.add(rs.getString(1));
    return plan;
  }
}
