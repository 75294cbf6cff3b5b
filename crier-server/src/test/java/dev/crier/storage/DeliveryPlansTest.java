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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

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
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class DeliveryPlansTest {
  private static final Pattern DELIVERIES_INDEX = Pattern.compile("\\b(deliveries_\\w+)|PRIMARY KEY");

  @Parameter Engine engine;
  static TestCrier crier;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  /**
   * Table states of a young server, none analysed: with 300 rows, most of them delivered by an
   * UPDATE, PostgreSQL planned the outcome UPDATE through the old index on (status, updated_at).
   */
  @ParameterizedTest(name = "{0} deliveries")
  @ValueSource(ints = {0, 30, 300, 3000})
  void eachReadOfASubscriptionsDeliveriesSearchesItsOwnRows(int rows) throws SQLException {
    fill(rows);
    assertFindsBySubscription(SqlDeliveries.outcomeUpdate(false, true));
    assertFindsBySubscription(SqlDeliveries.outcomeUpdate(false, false));
    assertFindsBySubscription(SqlDeliveries.outcomeUpdate(true, false));
    assertFindsBySubscription(SqlDeliveries.PENDING_WINDOW);
    assertFindsBySubscription(SqlDeliveries.WITH_PENDING_WORK);
    assertFindsBySubscription(SqlLeases.OWNED_WITH_WORK);
  }

  /** {@code rows} deliveries over 10 subscriptions, the oldest 80% of them then delivered. */
  private static void fill(int rows) throws SQLException {
    try (Connection c = connection(); Statement s = c.createStatement()) {
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
  private void assertFindsBySubscription(String sql) throws SQLException {
    List<String> plan = engine == Engine.POSTGRESQL ? genericPlan(sql) : sqlitePlan(sql);
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
  private static List<String> genericPlan(String sql) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    Matcher m = Pattern.compile("\\?|(?<!:):[a-z]+").matcher(sql);
    while (m.find()) m.appendReplacement(numbered, "\\$" + ++n);
    m.appendTail(numbered);
    try (Connection c = connection(); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE hot AS " + numbered);
      String nulls = String.join(", ", Collections.nCopies(n, "NULL"));
      return lines(s.executeQuery("EXPLAIN EXECUTE hot" + (n == 0 ? "" : "(" + nulls + ")")));
    }
  }

  private static List<String> sqlitePlan(String sql) throws SQLException {
    try (Connection c = connection();
        PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql.replaceAll("(?<!:):[a-z]+", "?"))) {
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

  private static Connection connection() throws SQLException {
    return crier.database().connect();
  }
}
