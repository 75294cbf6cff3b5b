package dev.crier.broadcast;

import dev.crier.delivery.Attempt;
import dev.crier.delivery.DeliveryView;
import java.util.List;

/** The pending subjects of broadcast receivers, and their attempt logs. */
public interface BroadcastStore {

  /** Removes and returns a receiver's pending subjects: each is sent at most once. */
  List<PendingBroadcast> take(String receiverId);

  /** Logs attempts (broadcasts log failures only; nothing is resent). */
  void log(String receiverId, List<Attempt> attempts);

  /** A receiver's logged attempts, newest first. */
  List<DeliveryView.AttemptView> attempts(String receiverId, int limit);
}
