package dev.crier.config;

/** A setting that cannot be used; the message names it (environment variable and flag) and why. */
public final class InvalidSettingException extends RuntimeException {
  public InvalidSettingException(String message) {
    super(message);
  }
}
