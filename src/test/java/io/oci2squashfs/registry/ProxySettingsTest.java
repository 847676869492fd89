package io.oci2squashfs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {
  @Test
  void httpsAndHttpRequestsTakeTheirOwnProxy() {
    ProxySettings p =
        ProxySettings.fromEnvironment(
            Map.of("HTTPS_PROXY", "http://secure:3128", "http_proxy", "plain:8080"));
    assertEquals("secure", p.proxyFor(URI.create("https://quay.io/v2/")).host());
    assertEquals(3128, p.proxyFor(URI.create("https://quay.io/v2/")).port());
    assertEquals("plain", p.proxyFor(URI.create("http://quay.io/v2/")).host());
    assertEquals(8080, p.proxyFor(URI.create("http://quay.io/v2/")).port());
  }

  @Test
  void upperCaseWinsOverLowerCase() {
    ProxySettings p =
        ProxySettings.fromEnvironment(
            Map.of("HTTPS_PROXY", "http://upper:1", "https_proxy", "http://lower:2"));
    assertEquals("upper", p.proxyFor(URI.create("https://x.io/")).host());
  }

  @Test
  void noProxyMatchesHostsDomainsPortsAndStar() {
    ProxySettings p =
        ProxySettings.fromEnvironment(
            Map.of(
                "HTTPS_PROXY",
                "http://proxy:3128",
                "NO_PROXY",
                "internal.example, .corp.example,registry.lan:5000"));
    assertNull(p.proxyFor(URI.create("https://internal.example/v2/")));
    assertNull(p.proxyFor(URI.create("https://a.internal.example/v2/")));
    assertNull(p.proxyFor(URI.create("https://corp.example/v2/")));
    assertNull(p.proxyFor(URI.create("https://b.corp.example/v2/")));
    assertNull(p.proxyFor(URI.create("https://registry.lan:5000/v2/")));
    assertEquals("proxy", p.proxyFor(URI.create("https://registry.lan:6000/v2/")).host());
    assertEquals("proxy", p.proxyFor(URI.create("https://notinternal.example/v2/")).host());
    ProxySettings star =
        ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "http://p:1", "no_proxy", "*"));
    assertNull(star.proxyFor(URI.create("https://quay.io/")));
  }

  @Test
  void loopbackIsNeverProxied() {
    ProxySettings p = ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "http://proxy:3128"));
    assertNull(p.proxyFor(URI.create("http://127.0.0.1:5000/v2/")));
    assertNull(p.proxyFor(URI.create("http://localhost:5000/v2/")));
    assertNull(p.proxyFor(URI.create("http://[::1]:5000/v2/")));
  }

  @Test
  void aProxyUrlsPasswordIsKeptButNeverShown() {
    ProxySettings p =
        ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "http://bob:s3cret@proxy:3128"));
    ProxySettings.ProxyServer s = p.proxyFor(URI.create("https://quay.io/"));
    assertEquals("bob", s.user());
    assertEquals("s3cret", s.password());
    assertFalse(s.toString().contains("s3cret"));
  }

  @Test
  void aBadProxyIsNamedByItsVariableNotItsValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "socks5://u:pw@h:1")));
    assertFalse(e.getMessage().contains("pw"), e.getMessage());
    assertEquals(true, e.getMessage().startsWith("HTTPS_PROXY"));
  }
}
