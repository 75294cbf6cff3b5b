package dev.crier.api;

/** One reason a request was refused: which field (a JSON path such as {@code [2].subject.url}) and why. */
public record FieldError(String field, String message) {}
