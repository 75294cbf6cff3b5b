package dev.crier.delivery;

/**
 * What one prune removed: delivered deliveries past the retention period, and in how many
 * transactions (each deletes at most a batch, so none holds locks or log for the whole table).
 */
public record Pruned(int deliveries, int batches) {}
