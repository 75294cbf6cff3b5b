package dev.crier.event;

import java.util.List;

/** Events name types that are not declared (and declaring on the fly is off). */
public final class UnknownEventTypesException extends RuntimeException {
  /** One offending event: its position in the request and its type. */
  public record Offender(int index, String type) {}

  private final List<Offender> offenders;

  public UnknownEventTypesException(List<Offender> offenders) {
    super("undeclared event types: " + offenders);
    this.offenders = List.copyOf(offenders);
  }

  public List<Offender> offenders() {
    return offenders;
  }
}
