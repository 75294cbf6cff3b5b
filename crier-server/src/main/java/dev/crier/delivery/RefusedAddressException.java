package dev.crier.delivery;

import java.io.IOException;

/**
 * Raised by {@link AddressGuard} when every address a receiver's host resolves to is in a range
 * Crier does not deliver to. An {@link IOException} because Jetty fails the connection attempt with
 * it, and from there the request and response, unchanged.
 */
final class RefusedAddressException extends IOException {
  RefusedAddressException(String message) {
    super(message);
  }
}
