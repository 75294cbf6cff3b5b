package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.255.254, loopback",
    "::1, loopback",
    "10.0.0.1, private",
    "10.255.255.255, private",
    "172.16.0.1, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "fc00::1, unique local",
    "fd12:3456:789a::1, unique local",
    "169.254.169.254, link-local",
    "fe80::1, link-local",
    "febf:ffff::1, link-local",
    "fec0::1, site-local",
    "100.64.0.1, CGNAT",
    "100.127.255.255, CGNAT",
    "224.0.0.1, multicast",
    "239.255.255.250, multicast",
    "ff02::1, multicast",
    "ff0e::101, multicast",
    "0.0.0.0, unspecified",
    "0.1.2.3, unspecified",
    "::, unspecified",
    "255.255.255.255, broadcast",
    "240.0.0.1, reserved",
    "198.18.0.1, benchmarking",
    "198.19.255.255, benchmarking",
    "192.0.0.8, IETF protocol assignments",
    "64:ff9b::a00:1, private (via NAT64)",
    "64:ff9b::7f00:1, loopback (via NAT64)",
    "64:ff9b::a9fe:a9fe, link-local (via NAT64)",
    "2002:c0a8:101::1, private (via 6to4)",
    "2002:7f00:1::1, loopback (via 6to4)",
    "64:ff9b:1::a00:1, NAT64 local-use",
    "64:ff9b:1:ffff::5db8:d822, NAT64 local-use",
    "2001::1, Teredo",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2, Teredo",
  })
  void refusesInternalRanges(String address, String reason) {
    assertThat(AddressGuard.forbiddenReason(ip(address))).contains(reason);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "10.1.2.3, private",
    "172.20.0.1, private",
    "192.168.0.10, private",
    "169.254.169.254, link-local",
    "100.100.100.200, CGNAT",
    "224.0.0.251, multicast",
    "0.0.0.0, unspecified",
    "255.255.255.255, broadcast",
  })
  void judgesIpv4InsideIpv6ByTheIpv4Address(String ipv4, String reason) throws Exception {
    byte[] v4 = InetAddress.getByName(ipv4).getAddress();
    // Built by hand: InetAddress.getByName("::ffff:...") would already hand back an Inet4Address.
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(v4, 0, mapped, 12, 4);
    byte[] compatible = new byte[16];
    System.arraycopy(v4, 0, compatible, 12, 4);

    assertThat(AddressGuard.forbiddenReason(InetAddress.getByAddress(mapped))).contains(reason);
    assertThat(AddressGuard.forbiddenReason(Inet6Address.getByAddress(null, mapped, null)))
        .contains(reason);
    assertThat(AddressGuard.forbiddenReason(InetAddress.getByAddress(compatible))).contains(reason);
    assertThat(AddressGuard.forbiddenReason(ip("::ffff:" + ipv4))).contains(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "172.15.255.255",
        "172.32.0.1",
        "192.169.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "169.253.0.1",
        "223.255.255.255",
        "11.0.0.1",
        "2606:4700::1",
        "2001:4860:4860::8888",
        "::ffff:93.184.216.34",
        "fbff::1",
        "fe00::1",
        "198.17.255.255",
        "198.20.0.1",
        "192.0.1.1",
        "64:ff9b::5db8:d822",
        "2002:5db8:d822::1",
        "64:ff9b:2::1",
        "2001:200::1",
      })
  void allowsPublicAddresses(String address) {
    assertThat(AddressGuard.forbiddenReason(ip(address))).isEmpty();
  }

  @Test
  void allowsPublicIpv4InsideIpv6() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(ip("93.184.216.34").getAddress(), 0, mapped, 12, 4);
    assertThat(AddressGuard.forbiddenReason(Inet6Address.getByAddress(null, mapped, null)))
        .isEmpty();
  }

  private ScheduledExecutorScheduler scheduler;

  @BeforeEach
  void startScheduler() throws Exception {
    scheduler = new ScheduledExecutorScheduler("guard-test", true);
    scheduler.start();
  }

  @AfterEach
  void stopScheduler() throws Exception {
    scheduler.stop();
  }

  @Test
  void failsTheLookupWithTheReasonAndHowToAllowIt() {
    assertThat(failure(resolve("127.0.0.1", false)))
        .isInstanceOf(RefusedAddressException.class)
        .hasMessage(
            "refused to connect to 127.0.0.1 (loopback); set CRIER_ALLOW_PRIVATE_TARGETS=true to"
                + " allow private targets");
    assertThat(failure(resolve("[::1]", false)))
        .hasMessageStartingWith("refused to connect to 0:0:0:0:0:0:0:1 (loopback);");
    assertThat(failure(resolve("localhost", false)))
        .isInstanceOf(RefusedAddressException.class)
        .hasMessageStartingWith("refused to connect to localhost: ")
        .hasMessageContaining("(loopback)");
  }

  @Test
  void handsOverOnlyTheAddressesItChecked() throws Exception {
    assertThat(resolve("127.0.0.1", true).get(10, TimeUnit.SECONDS))
        .containsExactly(new InetSocketAddress(ip("127.0.0.1"), 8080));
    assertThat(resolve("93.184.216.34", false).get(10, TimeUnit.SECONDS))
        .containsExactly(new InetSocketAddress(ip("93.184.216.34"), 8080));
  }

  @Test
  void passesDnsFailuresThrough() {
    assertThat(failure(resolve("no-such-host.invalid", false)))
        .isInstanceOf(UnknownHostException.class);
  }

  private CompletableFuture<List<InetSocketAddress>> resolve(String host, boolean allowPrivate) {
    AddressGuard guard =
        new AddressGuard(
            task -> Thread.ofVirtual().start(task), scheduler, Duration.ofSeconds(5), allowPrivate);
    CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
    guard.resolve(host, 8080, Map.of(), Promise.from(result));
    return result;
  }

  private static Throwable failure(CompletableFuture<?> future) {
    try {
      future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the lookup to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
