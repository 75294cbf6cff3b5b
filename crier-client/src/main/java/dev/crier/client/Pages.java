package dev.crier.client;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazy stream over a cursor-paged list: asks for the next page (passing the previous page's
 * {@code next} as {@code after}) only when the items in hand are used up, and stops when Crier
 * answers {@code next: null} or an empty page. Not thread-safe (a stream is used by one thread).
 */
final class Pages<T> implements Iterator<T> {
  private final Function<String, Http.Answer> fetch;
  private final Function<JsonObject, T> read;
  private final Deque<T> buffer = new ArrayDeque<>();
  private String cursor;
  private boolean done;

  private Pages(Function<String, Http.Answer> fetch, Function<JsonObject, T> read) {
    this.fetch = fetch;
    this.read = read;
  }

  /** {@code fetch} gets a page for a cursor (null for the first page). */
  static <T> Stream<T> stream(Function<String, Http.Answer> fetch, Function<JsonObject, T> read) {
    Iterator<T> pages = new Pages<>(fetch, read);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  @Override
  public boolean hasNext() {
    while (buffer.isEmpty() && !done) {
      Object page = fetch.apply(cursor).json();
      for (JsonObject item : JsonObject.items(page)) {
        buffer.add(read.apply(item));
      }
      cursor = JsonObject.of(page).optionalString("next");
      done = cursor == null || buffer.isEmpty();
    }
    return !buffer.isEmpty();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return buffer.removeFirst();
  }
}
