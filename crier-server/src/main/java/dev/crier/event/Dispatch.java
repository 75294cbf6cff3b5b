package dev.crier.event;

/**
 * A delivery created by a commit: the subscription, its place in that subscription's order, and
 * the event. Handed to the delivery engine right after the commit.
 */
public record Dispatch(String subscriptionId, long subSeq, Event event) {}
