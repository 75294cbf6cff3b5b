package dev.crier.broadcast;

import java.time.Duration;
import java.util.List;

/** What a client asks a broadcast receiver to be; on an update, null fields stay as they are. */
public record BroadcastSpec(String name, String url, List<String> subjects, Duration interval) {}
