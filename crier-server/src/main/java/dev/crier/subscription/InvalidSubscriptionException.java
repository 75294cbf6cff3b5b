package dev.crier.subscription;

import java.util.List;

/** A subscription was refused; each problem names the field and why. Nothing was written. */
public final class InvalidSubscriptionException extends RuntimeException {
  /** One reason: the field (as the API names it) and what is wrong with it. */
  public record Problem(String field, String message) {}

  private final List<Problem> problems;

  public InvalidSubscriptionException(List<Problem> problems) {
    super(problems.toString());
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
