package dev.crier.auth;

/**
 * Who is calling. The admin key sees and manages everything; app tokens (a later kind of
 * principal) will see only what their app made.
 */
public sealed interface Principal {

  /** The provider, holding the admin key. */
  record Admin() implements Principal {}

  Admin ADMIN = new Admin();
}
