package dev.crier.broadcast;

import java.util.List;

/**
 * One subject that changed since a receiver's last broadcast, with the type of its latest event
 * and the permissions that event requires of the user who hears it.
 */
public record PendingBroadcast(String subjectType, String subjectUrl, String lastEvent, List<String> requiredPermissions) {
  public PendingBroadcast {
    requiredPermissions = requiredPermissions == null ? List.of() : List.copyOf(requiredPermissions);
  }
}
