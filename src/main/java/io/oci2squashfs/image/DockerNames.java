package io.oci2squashfs.image;

/** Docker image names, as {@code RepoTags} and references spell them. */
final class DockerNames {
  private DockerNames() {}

  /**
   * The fully qualified form of a docker image name: {@code demo} and {@code demo:latest} are
   * {@code docker.io/library/demo:latest}, {@code me/app:1} is {@code docker.io/me/app:1}, and a
   * name whose first part looks like a registry ({@code ghcr.io/x}, {@code localhost:5000/x}) keeps
   * it. Not a validator: text that is no name comes back in some form that equals only itself.
   */
  static String normalise(String name) {
    String digest = "";
    int at = name.indexOf('@');
    if (at >= 0) {
      digest = name.substring(at);
      name = name.substring(0, at);
    }
    String tag = "";
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      tag = name.substring(colon);
      name = name.substring(0, colon);
    } else if (digest.isEmpty()) {
      tag = ":latest";
    }
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    String domain;
    String path;
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      domain = first;
      path = name.substring(slash + 1);
    } else {
      domain = "docker.io";
      path = name;
    }
    if (domain.equals("docker.io") && !path.contains("/")) {
      path = "library/" + path;
    }
    return domain + "/" + path + tag + digest;
  }
}
