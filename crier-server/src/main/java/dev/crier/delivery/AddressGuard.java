package dev.crier.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The SSRF guard: resolves a receiver's host and hands Jetty only the addresses that are not in a
 * private, loopback, link-local or otherwise internal range. Because Jetty connects to exactly the
 * addresses this resolver returns, the address connected to is always one that was checked; a DNS
 * answer that changes between a check and the connect (rebinding) cannot slip through.
 *
 * <p>Jetty calls {@link #resolve} on whatever thread opens a connection, which can be one of its
 * selector threads, so the lookup itself runs on the executor given here (Jetty's {@link
 * SocketAddressResolver.Async}), never on the calling thread.
 */
final class AddressGuard implements SocketAddressResolver {
  private static final String ALLOW_HINT =
      "set CRIER_ALLOW_PRIVATE_TARGETS=true to allow private targets";

  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final SocketAddressResolver dns;
  private final Duration timeout;
  private final boolean allowPrivate;

  AddressGuard(Executor executor, Scheduler scheduler, Duration timeout, boolean allowPrivate) {
    this.dns = new SocketAddressResolver.Async(executor, scheduler, timeout.toMillis());
    this.timeout = timeout;
    this.allowPrivate = allowPrivate;
  }

  @Override
  public void resolve(
      String host,
      int port,
      Map<String, Object> context,
      Promise<List<InetSocketAddress>> promise) {
    dns.resolve(
        host,
        port,
        context,
        Promise.from(addresses -> admit(host, addresses, promise), x -> failed(host, x, promise)));
  }

  private void admit(
      String host, List<InetSocketAddress> addresses, Promise<List<InetSocketAddress>> promise) {
    if (allowPrivate) {
      promise.succeeded(addresses);
      return;
    }
    List<InetSocketAddress> allowed = new ArrayList<>(addresses.size());
    List<String> refused = new ArrayList<>();
    for (InetSocketAddress address : addresses) {
      Optional<String> reason = forbiddenReason(address.getAddress());
      if (reason.isEmpty()) allowed.add(address);
      else refused.add(address.getAddress().getHostAddress() + " (" + reason.get() + ")");
    }
    if (!allowed.isEmpty()) {
      promise.succeeded(allowed);
      return;
    }
    String named = isLiteral(host) ? "" : host + ": ";
    promise.failed(
        new RefusedAddressException(
            "refused to connect to " + named + String.join(", ", refused) + "; " + ALLOW_HINT));
  }

  private void failed(String host, Throwable failure, Promise<List<InetSocketAddress>> promise) {
    // Async reports a slow lookup as a TimeoutException, which would read as the receiver being
    // slow to answer; it is a name resolution failure.
    if (failure instanceof TimeoutException) {
      promise.failed(
          new UnknownHostException(
              "DNS lookup of " + host + " took longer than " + timeout.toMillis() + " ms"));
    } else {
      promise.failed(failure);
    }
  }

  /** Whether the URL named an IP address rather than a host name (names never contain ':'). */
  private static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || IPV4_LITERAL.matcher(host).matches();
  }

  /**
   * Why Crier refuses to deliver to this address, or empty when it may. IPv4 addresses embedded in
   * IPv6 (mapped {@code ::ffff:a.b.c.d} and compatible {@code ::a.b.c.d}) are judged by the IPv4
   * address they carry.
   */
  static Optional<String> forbiddenReason(InetAddress address) {
    byte[] b = address.getAddress();
    return Optional.ofNullable(b.length == 4 ? ipv4Reason(b, 0) : ipv6Reason(b));
  }

  private static String ipv4Reason(byte[] bytes, int offset) {
    int a = bytes[offset] & 0xff;
    int b = bytes[offset + 1] & 0xff;
    int c = bytes[offset + 2] & 0xff;
    int d = bytes[offset + 3] & 0xff;
    if (a == 0) return "unspecified";
    if (a == 127) return "loopback";
    if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168)) return "private";
    if (a == 169 && b == 254) return "link-local";
    if (a == 100 && (b & 0xc0) == 64) return "CGNAT";
    if ((a & 0xf0) == 224) return "multicast";
    if (a == 255 && b == 255 && c == 255 && d == 255) return "broadcast";
    if ((a & 0xf0) == 240) return "reserved";
    if (a == 198 && (b & 0xfe) == 18) return "benchmarking";
    if (a == 192 && b == 0 && c == 0) return "IETF protocol assignments";
    return null;
  }

  private static String ipv6Reason(byte[] b) {
    boolean firstTenZero = true;
    for (int i = 0; i < 10; i++) firstTenZero &= b[i] == 0;
    if (firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) return ipv4Reason(b, 12);
    if (firstTenZero && b[10] == 0 && b[11] == 0) {
      boolean lastFourZero = b[12] == 0 && b[13] == 0 && b[14] == 0;
      if (lastFourZero && b[15] == 0) return "unspecified";
      if (lastFourZero && b[15] == 1) return "loopback";
      return ipv4Reason(b, 12); // IPv4-compatible ::a.b.c.d
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    // Translation prefixes carry an IPv4 address that a gateway may connect to on our behalf.
    if (startsWith(b, NAT64)) return carried(ipv4Reason(b, 12), "NAT64");
    // The local-use NAT64 prefix is a site's own translator by definition (its IPv4 may sit at
    // several offsets, RFC 6052): all of it is internal.
    if (startsWith(b, NAT64_LOCAL)) return "NAT64 local-use";
    // Teredo tunnels to whatever IPv4 its relay reaches; nothing a receiver legitimately needs.
    if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) return "Teredo";
    if (first == 0x20 && second == 0x02) return carried(ipv4Reason(b, 2), "6to4");
    if ((first & 0xfe) == 0xfc) return "unique local";
    if (first == 0xfe && (second & 0xc0) == 0x80) return "link-local";
    if (first == 0xfe && (second & 0xc0) == 0xc0) return "site-local"; // deprecated, still private
    if (first == 0xff) return "multicast";
    return null;
  }

  /** 64:ff9b::/96, the well-known NAT64 prefix (RFC 6052). */
  private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

  /** 64:ff9b:1::/48, the local-use NAT64 prefix (RFC 8215). */
  private static final byte[] NAT64_LOCAL = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 1};

  private static boolean startsWith(byte[] address, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) if (address[i] != prefix[i]) return false;
    return true;
  }

  private static String carried(String ipv4Reason, String how) {
    return ipv4Reason == null ? null : ipv4Reason + " (via " + how + ")";
  }
}
