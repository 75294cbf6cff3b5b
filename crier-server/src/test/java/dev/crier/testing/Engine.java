package dev.crier.testing;

/** The database engines every storage and API test runs against. */
public enum Engine {
  SQLITE,
  POSTGRESQL
}
