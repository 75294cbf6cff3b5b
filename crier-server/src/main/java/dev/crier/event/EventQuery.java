package dev.crier.event;

/**
 * A page of the event log.
 *
 * @param type only events of this type, or null for all
 * @param after the cursor: the seq of the last event of the previous page, or null
 * @param newestFirst descending seq when true, ascending when false
 */
public record EventQuery(String type, Long after, int limit, boolean newestFirst) {}
