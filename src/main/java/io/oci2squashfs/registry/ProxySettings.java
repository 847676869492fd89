package io.oci2squashfs.registry;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxies {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} name (upper or lower
 * case, upper first, as Go programs such as skopeo read them), which the JDK does not read by
 * itself. As in Go, loopback addresses are never proxied.
 */
final class ProxySettings {
  /** A proxy's address, and its user and password when its URL has them (else null). */
  record ProxyServer(String host, int port, String user, String password) {
    Proxy proxy() {
      return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public String toString() {
      return host + ":" + port; // never the password
    }
  }

  static final ProxySettings NONE = new ProxySettings(null, null, List.of());

  private final ProxyServer https;
  private final ProxyServer http;
  private final List<String> noProxy;

  private ProxySettings(ProxyServer https, ProxyServer http, List<String> noProxy) {
    this.https = https;
    this.http = http;
    this.noProxy = noProxy;
  }

  /**
   * Reads the proxy variables from {@code env}.
   *
   * @throws IllegalArgumentException when a variable holds no usable URL, naming the variable (not
   *     its value, which may hold a password)
   */
  static ProxySettings fromEnvironment(Map<String, String> env) {
    ProxyServer https = server(env, "HTTPS_PROXY");
    ProxyServer http = server(env, "HTTP_PROXY");
    List<String> noProxy = new ArrayList<>();
    String list = variable(env, "NO_PROXY");
    if (list != null) {
      for (String entry : list.split("[,\\s]+")) {
        if (!entry.isEmpty()) {
          noProxy.add(entry.toLowerCase(Locale.ROOT));
        }
      }
    }
    return new ProxySettings(https, http, List.copyOf(noProxy));
  }

  private static String variable(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isEmpty()) {
      value = env.get(name.toLowerCase(Locale.ROOT));
    }
    return value == null || value.isEmpty() ? null : value;
  }

  private static ProxyServer server(Map<String, String> env, String name) {
    String value = variable(env, name);
    if (value == null) {
      return null;
    }
    URI uri;
    try {
      uri = URI.create(value.contains("://") ? value : "http://" + value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not a proxy URL such as http://host:3128");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(name + " is not a proxy URL such as http://host:3128");
    }
    if (uri.getScheme() != null && !uri.getScheme().equalsIgnoreCase("http")) {
      throw new IllegalArgumentException(
          name + " uses " + uri.getScheme() + "://; only http:// proxies are supported");
    }
    String user = null;
    String password = null;
    if (uri.getUserInfo() != null) {
      String info = uri.getUserInfo();
      int colon = info.indexOf(':');
      user = colon < 0 ? info : info.substring(0, colon);
      password = colon < 0 ? "" : info.substring(colon + 1);
    }
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    return new ProxyServer(uri.getHost(), port, user, password);
  }

  /** The proxy for {@code uri}, or null to connect directly. */
  ProxyServer proxyFor(URI uri) {
    ProxyServer server = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
    if (server == null || bypassed(uri)) {
      return null;
    }
    return server;
  }

  /** True when any proxy is set. */
  boolean any() {
    return https != null || http != null;
  }

  private boolean bypassed(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equals("localhost") || isLoopbackLiteral(host)) {
      return true;
    }
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    for (String entry : noProxy) {
      if (entry.equals("*")) {
        return true;
      }
      String entryHost = entry;
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(':') == colon) { // host:port, not an IPv6 address
        if (!entry.substring(colon + 1).equals(Integer.toString(port))) {
          continue;
        }
        entryHost = entry.substring(0, colon);
      }
      if (entryHost.startsWith("*.")) {
        entryHost = entryHost.substring(1);
      }
      if (entryHost.startsWith(".")) {
        if (host.endsWith(entryHost) || host.equals(entryHost.substring(1))) {
          return true;
        }
      } else if (host.equals(entryHost) || host.endsWith("." + entryHost)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLoopbackLiteral(String host) {
    if (!host.matches("[0-9.]+|[0-9a-f:]+")) {
      return false; // a name: not resolved here
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
