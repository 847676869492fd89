package io.oci2squashfs.registry;

import io.oci2squashfs.image.Digest;
import java.util.regex.Pattern;

/**
 * An image in a registry, named as skopeo and podman name it: {@code
 * docker://[REGISTRY/]REPO[:TAG|@sha256:DIGEST]}. No registry means Docker Hub ({@code docker.io},
 * with {@code library/} before a one-part name); no tag and no digest means {@code latest}.
 *
 * @param registry the registry's host and port as written, lower case; {@code docker.io} for Docker
 *     Hub
 * @param repository the repository, e.g. {@code library/debian}
 * @param tag the tag, or null when a digest names the manifest
 * @param digest the manifest's digest, or null when a tag names it
 */
public record RegistryReference(String registry, String repository, String tag, Digest digest) {
  /** The prefix that marks a registry reference. */
  public static final String PREFIX = "docker://";

  public static final String DOCKER_HUB = "docker.io";
  private static final String DOCKER_HUB_API = "registry-1.docker.io";

  // The distribution spec's grammar: lower-case path components, and tags of up to 128 characters.
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\\.?)+(?::[0-9]+)?"
              + "|\\[[0-9a-fA-F:.]+\\](?::[0-9]+)?");

  public RegistryReference {
    if ((tag == null) == (digest == null)) {
      throw new IllegalArgumentException("a reference has a tag or a digest");
    }
  }

  /** True when {@code text} starts with {@code docker://}. */
  public static boolean isRegistryReference(String text) {
    return text.startsWith(PREFIX);
  }

  /**
   * Parses {@code docker://[REGISTRY/]REPO[:TAG|@DIGEST]}. With both a tag and a digest, the digest
   * names the manifest (as in docker and podman).
   *
   * @throws IllegalArgumentException with a one-line message that quotes the reference
   */
  public static RegistryReference parse(String text) {
    if (!isRegistryReference(text)) {
      throw new IllegalArgumentException("not a registry reference (no " + PREFIX + "): " + text);
    }
    String rest = text.substring(PREFIX.length());
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (IllegalArgumentException e) {
        throw invalid(text, "after @ must come a digest such as sha256:<64 hex digits>");
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(
            text, "the tag \"" + tag + "\" is not valid (letters, digits, _ . -, at most 128)");
      }
    }
    String registry = DOCKER_HUB;
    String repository = rest;
    int first = rest.indexOf('/');
    if (first > 0) {
      String head = rest.substring(0, first);
      if (head.contains(".")
          || head.contains(":")
          || head.equals("localhost")
          || !head.equals(head.toLowerCase())) {
        registry = head;
        repository = rest.substring(first + 1);
        if (!HOST.matcher(registry).matches()) {
          throw invalid(text, "\"" + registry + "\" is not a registry host[:port]");
        }
      }
    }
    registry = registry.toLowerCase();
    if (registry.equals("index.docker.io") || registry.equals(DOCKER_HUB_API)) {
      registry = DOCKER_HUB;
    }
    if (repository.isEmpty()) {
      throw invalid(text, "no repository name");
    }
    for (String component : repository.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw invalid(
            text,
            "the repository \""
                + repository
                + "\" is not valid (lower-case letters, digits and . _ - between"
                + " them, parts separated by /)");
      }
    }
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (digest == null && tag == null) {
      tag = "latest";
    }
    return new RegistryReference(registry, repository, digest != null ? null : tag, digest);
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("invalid image reference \"" + text + "\": " + why);
  }

  /** The host and port the registry's API is served at: Docker Hub's differs from its name. */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
  }

  /** The tag or the digest, as the manifests endpoint takes it. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** The name without the transport: {@code docker.io/library/debian:12}, as a cache's ref name. */
  public String name() {
    return registry + "/" + repository + (digest != null ? "@" + digest : ":" + tag);
  }

  /** This reference with the manifest named by its digest. */
  public RegistryReference withDigest(Digest manifest) {
    return new RegistryReference(registry, repository, null, manifest);
  }

  @Override
  public String toString() {
    return PREFIX + name();
  }
}
