package dev.crier.event;

import java.util.List;

/** What became of one publish request inside a group commit. */
public sealed interface CommitResult {

  /**
   * Every event of the request is stored (now, or by an earlier request with the same ids).
   *
   * @param replayed true when every event had been stored before: the request was a retry
   * @param dispatches the deliveries this request created (none for events stored before)
   */
  record Accepted(List<Receipt> receipts, boolean replayed, List<Dispatch> dispatches)
      implements CommitResult {}

  /** An id was already used by an event with different content; nothing of the request was written. */
  record Conflict(String id) implements CommitResult {}
}
