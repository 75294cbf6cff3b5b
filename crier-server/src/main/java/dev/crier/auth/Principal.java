package dev.crier.auth;

import dev.crier.app.App;
import dev.crier.app.Token;
import dev.crier.subscription.Owner;
import dev.crier.subscription.Subscription;

/**
 * Who is calling. The admin key sees and manages everything; an app token manages only the
 * subscriptions made with it, and its subscriptions hear only its account's events.
 */
public sealed interface Principal {

  /** Whether this caller may see (and manage) {@code s}; others' ids answer 404. */
  boolean sees(Subscription s);

  /** The owner recorded on a subscription this caller makes (null for the admin). */
  Owner owner();

  /** The provider, holding the admin key. */
  record Admin() implements Principal {
    @Override
    public boolean sees(Subscription s) {
      return true;
    }

    @Override
    public Owner owner() {
      return null;
    }
  }

  /** An integration, holding an access token issued to its app for one user of one account. */
  record AppToken(Token token, App app) implements Principal {
    @Override
    public boolean sees(Subscription s) {
      return s.owner() != null && s.owner().token().equals(token.id());
    }

    @Override
    public Owner owner() {
      return new Owner(token.id(), app.id(), token.account());
    }
  }

  Admin ADMIN = new Admin();
}
