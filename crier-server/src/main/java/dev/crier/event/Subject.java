package dev.crier.event;

/**
 * The resource an event is about: its type ({@code timer}), its id in the provider's system, its
 * place in a hierarchy ({@code /projects/37396/timer}, for watches) and its URL in the provider's
 * API (for "fetch it" notices). Any part may be null.
 */
public record Subject(String type, String id, String path, String url) {}
