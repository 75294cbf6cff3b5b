package dev.crier.watch;

import dev.crier.subscription.EndpointUrl;
import dev.crier.subscription.InvalidSubscriptionException;
import dev.crier.subscription.InvalidSubscriptionException.Problem;
import dev.crier.subscription.Kind;
import dev.crier.subscription.Owner;
import dev.crier.subscription.PathPattern;
import dev.crier.subscription.RetrySchedule;
import dev.crier.subscription.Secrets;
import dev.crier.subscription.SignatureScheme;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionListener;
import dev.crier.subscription.SubscriptionStore;
import dev.crier.verify.StandardWebhooks;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Creating and removing watches, with Noah's rules (seed 003): a watch is a path pattern and an
 * endpoint, named {@code base64(pattern|endpoint)}; it cannot be updated; and one endpoint may
 * not hold two watches where one would hear what the other hears (the endpoint would get every
 * such event twice). Other endpoints may overlap freely.
 *
 * <p>Methods taking an {@code owner} see only that owner's watches; null is the admin, who sees
 * all.
 */
public final class Watches {
  public static final String ALREADY_EXISTS = "Record already exists";
  public static final String WOULD_OVERWRITE = "Pattern would overwrite existing";
  public static final String ALREADY_PROVIDED = "Pattern is already provided";
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final SubscriptionStore store;
  private final SubscriptionListener listener;
  private final Clock clock;

  public Watches(SubscriptionStore store, SubscriptionListener listener, Clock clock) {
    this.store = store;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * Creates a watch on {@code pattern} (trailing slash ignored) sent to {@code endpoint}.
   *
   * @throws InvalidSubscriptionException when a field is missing or malformed
   * @throws WatchRefusedException when it overlaps a watch of the same endpoint
   */
  public Subscription create(String pattern, String endpoint, Owner owner) {
    List<Problem> problems = new ArrayList<>();
    if (pattern == null) problems.add(new Problem("pattern", "is required"));
    else PathPattern.problem(pattern).ifPresent(r -> problems.add(new Problem("pattern", r)));
    if (endpoint == null) problems.add(new Problem("endpoint", "is required"));
    else EndpointUrl.problem(endpoint).ifPresent(r -> problems.add(new Problem("endpoint", r)));
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    PathPattern watched = PathPattern.of(pattern);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Subscription s =
        new Subscription(
            Long.toString(store.nextNumber(Kind.WATCH)),
            Kind.WATCH,
            name(watched.text(), endpoint),
            endpoint,
            List.of(),
            null,
            SignatureScheme.STANDARD,
            true,
            1,
            RetrySchedule.DEFAULT,
            TIMEOUT,
            Status.ACTIVE,
            Secrets.of(StandardWebhooks.generateSecret()),
            owner,
            List.of(),
            null,
            watched.text(),
            now,
            now);
    Optional<String> refused = store.createUnlessRefused(s, lockName(endpoint), existing -> refusal(watched, existing));
    if (refused.isPresent()) throw new WatchRefusedException(refused.get());
    listener.created(s);
    return s;
  }

  /** Noah's rule for a new pattern beside the endpoint's existing watches, in Noah's words. */
  static Optional<String> refusal(PathPattern wanted, List<Subscription> existing) {
    List<PathPattern> patterns = existing.stream().map(s -> new PathPattern(s.pattern())).toList();
    if (patterns.contains(wanted)) return Optional.of(ALREADY_EXISTS);
    if (patterns.stream().anyMatch(wanted::contains)) return Optional.of(WOULD_OVERWRITE);
    if (patterns.stream().anyMatch(p -> p.contains(wanted))) return Optional.of(ALREADY_PROVIDED);
    return Optional.empty();
  }

  /** A watch's name, as Noah gives it: the base64 of {@code pattern|endpoint}. */
  public static String name(String pattern, String endpoint) {
    return Base64.getEncoder().encodeToString((pattern + "|" + endpoint).getBytes(StandardCharsets.UTF_8));
  }

  /** A watch by its id or its name (standard or URL-safe base64, since a name may hold '/'). */
  public Optional<Subscription> find(String idOrName, Owner owner) {
    Optional<Subscription> byId = store.find(idOrName).filter(s -> s.kind() == Kind.WATCH);
    if (byId.isPresent()) return byId.filter(s -> visible(s, owner));
    String standard = idOrName.replace('-', '+').replace('_', '/');
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(standard), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int bar = decoded.lastIndexOf('|'); // a URL cannot hold '|', a pattern may
    if (bar < 0) return Optional.empty();
    return find(decoded.substring(0, bar), decoded.substring(bar + 1), owner);
  }

  /** The watch of exactly this pattern (trailing slash ignored) and endpoint. */
  public Optional<Subscription> find(String pattern, String endpoint, Owner owner) {
    if (PathPattern.problem(pattern).isPresent()) return Optional.empty();
    String text = PathPattern.of(pattern).text();
    return store.listByUrl(Kind.WATCH, endpoint).stream()
        .filter(s -> s.pattern().equals(text) && visible(s, owner))
        .findFirst();
  }

  public List<Subscription> list(Owner owner) {
    return store.list(Kind.WATCH).stream().filter(s -> visible(s, owner)).toList();
  }

  /** Deletes the watch; its queued deliveries end as cancelled. False when there was none. */
  public boolean delete(Subscription watch) {
    boolean deleted = store.delete(watch.id(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
    if (deleted) listener.removed(watch.id());
    return deleted;
  }

  private static boolean visible(Subscription s, Owner owner) {
    return owner == null || owner.equals(s.owner());
  }

  /** One lock per endpoint, hashed so any URL fits the key. */
  private static String lockName(String endpoint) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(endpoint.getBytes(StandardCharsets.UTF_8));
      return "watch:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
