package io.oci2squashfs.registry.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The keys of auth files: what registry (and repository) an {@code auths} key stands for. */
final class AuthKeys {
  /** Docker Hub's registry name, as normalized references spell it. */
  static final String DOCKER_HUB = "docker.io";

  /** The server URL docker and its credential helpers use for Docker Hub. */
  static final String DOCKER_HUB_SERVER_URL = "https://index.docker.io/v1/";

  private AuthKeys() {}

  /**
   * The canonical form of a registry host[:port]: lower case, and {@value #DOCKER_HUB} for every
   * name of Docker Hub ({@code index.docker.io}, {@code registry-1.docker.io}).
   */
  static String normalizeRegistry(String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    return switch (r) {
      case "docker.io", "index.docker.io", "registry-1.docker.io" -> DOCKER_HUB;
      default -> r;
    };
  }

  /**
   * The registry an {@code auths} or {@code credHelpers} key stands for when it is read as a
   * registry URL, as docker wrote them: {@code https://host/}, {@code http://host/v1/}, {@code
   * host:port}. A key with a scheme loses its path; one without keeps it (a podman namespace key
   * such as {@code quay.io/ns} then matches no registry here, only as an exact key).
   */
  static String registryOfKey(String key) {
    String k = key;
    String lower = k.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      k = k.substring("https://".length());
      int slash = k.indexOf('/');
      k = slash < 0 ? k : k.substring(0, slash);
    } else if (lower.startsWith("http://")) {
      k = k.substring("http://".length());
      int slash = k.indexOf('/');
      k = slash < 0 ? k : k.substring(0, slash);
    }
    return normalizeRegistry(k);
  }

  /**
   * The exact {@code auths} keys that apply to {@code repository} on {@code registry}, most
   * specific first: {@code quay.io/a/b/c}, {@code quay.io/a/b}, {@code quay.io/a}, {@code quay.io}.
   */
  static List<String> candidates(String registry, String repository) {
    List<String> keys = new ArrayList<>();
    String name =
        repository == null || repository.isEmpty() ? registry : registry + "/" + repository;
    while (true) {
      keys.add(name);
      int slash = name.lastIndexOf('/');
      if (slash < 0) {
        return keys;
      }
      name = name.substring(0, slash);
    }
  }

  /** What a credential helper is asked for: Docker Hub's v1 URL, otherwise the host[:port]. */
  static String serverUrl(String registry) {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_SERVER_URL : registry;
  }
}
