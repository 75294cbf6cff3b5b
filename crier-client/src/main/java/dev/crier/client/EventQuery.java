package dev.crier.client;

/**
 * Which events {@link CrierClient#events} pages through.
 *
 * <pre>{@code
 * crier.events(EventQuery.all().type("invoice.paid").oldestFirst().pageSize(500))
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param type only this event type, or null for all
 * @param ascending oldest first when true; newest first (Crier's default) when false
 * @param pageSize events per request, 1 to 1000
 */
public record EventQuery(String type, boolean ascending, int pageSize) {
  /**
   * Checks the page size.
   *
   * @param type see the record
   * @param ascending see the record
   * @param pageSize see the record
   * @throws IllegalArgumentException if pageSize is not 1 to 1000
   */
  public EventQuery {
    if (pageSize < 1 || pageSize > 1000) {
      throw new IllegalArgumentException("pageSize must be from 1 to 1000");
    }
  }

  /**
   * Every event, newest first, 100 a page.
   *
   * @return the query
   */
  public static EventQuery all() {
    return new EventQuery(null, false, 100);
  }

  /**
   * Only events of this type.
   *
   * @param type the event type
   * @return a new query
   */
  public EventQuery type(String type) {
    return new EventQuery(type, ascending, pageSize);
  }

  /**
   * Oldest first.
   *
   * @return a new query
   */
  public EventQuery oldestFirst() {
    return new EventQuery(type, true, pageSize);
  }

  /**
   * Events per request.
   *
   * @param pageSize 1 to 1000
   * @return a new query
   */
  public EventQuery pageSize(int pageSize) {
    return new EventQuery(type, ascending, pageSize);
  }
}
