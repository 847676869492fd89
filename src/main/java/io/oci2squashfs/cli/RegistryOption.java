package io.oci2squashfs.cli;

import io.oci2squashfs.registry.RegistryOptions;
import io.oci2squashfs.registry.auth.Credentials;
import io.oci2squashfs.source.ImageSources;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How to reach registries, mixed into every command that takes an image: credentials, TLS, the blob
 * cache and parallel downloads. Spelt as skopeo and podman spell them.
 */
final class RegistryOption {
  @Option(
      names = "--creds",
      paramLabel = "USER:PASSWORD",
      description =
          "Credentials for the registry of a docker:// image. Without it, they are looked up as"
              + " podman, skopeo and docker do: --authfile, $REGISTRY_AUTH_FILE,"
              + " $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json,"
              + " $DOCKER_CONFIG/config.json or ~/.docker/config.json (auths, credHelpers,"
              + " credsStore).")
  String creds;

  @Option(
      names = "--authfile",
      paramLabel = "FILE",
      description = "The only auth file to read credentials from (podman's auth.json format).")
  Path authFile;

  @Option(
      names = "--tls-verify",
      paramLabel = "BOOL",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "true",
      description =
          "Check the registry's TLS certificate (default true). --tls-verify=false accepts any"
              + " certificate, and plain HTTP, for a local or test registry.")
  boolean tlsVerify;

  @Option(
      names = "--cert-dir",
      paramLabel = "DIR",
      description =
          "CA certificates (*.crt) to trust for the registry, besides the system's. Without it,"
              + " those in /etc/containers/certs.d/HOST:PORT/ and /etc/docker/certs.d/HOST:PORT/.")
  Path certDir;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "Where downloaded blobs are kept, an OCI image layout shared by all commands (default:"
              + " $XDG_CACHE_HOME/oci2squashfs, else ~/.cache/oci2squashfs). See 'oci2squashfs"
              + " cache'.")
  Path cache;

  @Option(
      names = "--no-cache",
      description = "Keep no blob: download into a temporary directory, deleted after the run.")
  boolean noCache;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "How many layers download at once, newest first (default: 3).")
  Integer jobs;

  /** The options as given, over what the environment sets up. */
  RegistryOptions options(CommandLine commandLine) {
    RegistryOptions o = RegistryOptions.fromEnvironment();
    try {
      if (creds != null) {
        o = o.withCredentials(Credentials.parseUserColonPassword(creds));
      }
      if (jobs != null) {
        o = o.withJobs(jobs);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage(), e);
    }
    if (noCache && cache != null) {
      throw new CommandLine.ParameterException(
          commandLine, "--cache and --no-cache exclude each other");
    }
    return o.withAuthFile(authFile)
        .withTlsVerify(tlsVerify)
        .withCertDir(certDir)
        .withCache(noCache ? null : cache != null ? cache : o.cache());
  }

  /** Image sources with these options. */
  ImageSources sources(CommandLine commandLine) {
    return new ImageSources(options(commandLine));
  }
}
