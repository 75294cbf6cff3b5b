package dev.crier.broadcast;

/** One subject that changed since a receiver's last broadcast, with the type of its latest event. */
public record PendingBroadcast(String subjectType, String subjectUrl, String lastEvent) {}
