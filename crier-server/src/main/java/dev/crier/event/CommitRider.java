package dev.crier.event;

/**
 * Other writes that ride in each group commit's transaction. SQLite has one writer: a second
 * committing thread takes turns with the publish committer, and whichever finds the file locked
 * sleeps in SQLite's busy handler (1, 2, 5, 10 ms and on), which was most of a publish's latency
 * under load. Riding along costs neither that wait nor a second fsync.
 */
public interface CommitRider {

  /** Called once by the committer: {@code wake} makes it run a transaction soon. */
  void attach(Runnable wake);

  /** The committer stopped: from now on the rider writes on its own. */
  void detach();

  /**
   * How long the committer may wait for a publish before it must call {@link #take} (0: now;
   * {@code Long.MAX_VALUE}: nothing is queued). Called on the commit thread.
   */
  long waitNanos();

  /** Takes what is queued and due, or null when nothing is; called on the commit thread. */
  Load take();

  /** Writes taken for one transaction. */
  interface Load {
    /** Writes inside the commit's open transaction (Jdbi joins it: same thread, same handle). */
    void write();

    /** The transaction committed. */
    void committed();

    /**
     * The transaction rolled back, because of {@code cause} (which may be the publishes' fault):
     * the rider writes alone what it can now, and what it cannot is taken again by a later
     * {@link #take}. Called on the commit thread, after the publishes were committed alone.
     */
    void rolledBack(Throwable cause);
  }
}
