package io.oci2squashfs.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.oci2squashfs.cleanup.OnSignal;
import io.oci2squashfs.exec.OutputTail;
import io.oci2squashfs.image.json.Json;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A docker credential helper, {@code docker-credential-NAME} on {@code PATH}, asked with {@code
 * get}: the server URL goes to its stdin, JSON with {@code Username} and {@code Secret} comes back
 * on stdout. Secrets never travel as arguments and are never quoted in messages; the helper's own
 * error (stderr, else stdout, of a failed run) is.
 */
final class CredentialHelper {
  static final String PREFIX = "docker-credential-";
  private static final int KEEP = 64 * 1024;
  private static final int MAX_SAID = 300;

  private final String name;
  private final String source;
  private final Map<String, String> env;
  private final Duration timeout;

  /**
   * @param name the part after {@value #PREFIX}, as an auth file names it
   * @param source where the helper was configured, for messages: {@code credHelpers in FILE}
   * @param env the environment the helper runs in; its {@code PATH} is searched for the helper
   */
  CredentialHelper(String name, String source, Map<String, String> env, Duration timeout) {
    this.name = name;
    this.source = source;
    this.env = env;
    this.timeout = timeout;
  }

  /** How messages and {@link CredentialStore.Found#source()} name this helper. */
  String describe() {
    return "credential helper " + PREFIX + name + " (" + source + ")";
  }

  /**
   * Asks the helper for the credentials of {@code registry} (normalized host[:port]).
   *
   * @return empty when the helper has none (it said "credentials not found", or answered empty)
   * @throws CredentialException when the helper is missing, fails, hangs past the timeout (it is
   *     then killed), or answers what is not the expected JSON
   */
  Optional<Credentials> get(String registry) throws CredentialException {
    if (name.isEmpty() || name.contains("/") || name.contains("\0")) {
      throw new CredentialException(
          source + ": '" + name + "' is no credential helper name for " + registry);
    }
    Path exe = find(PREFIX + name);
    if (exe == null) {
      throw new CredentialException(
          describe() + " for " + registry + ": " + PREFIX + name + " not found on PATH");
    }
    Run run = run(exe, AuthKeys.serverUrl(registry), registry);
    if (run.exitCode != 0) {
      String said = run.stderr.isEmpty() ? run.stdout : run.stderr;
      if ((run.stdout + "\n" + run.stderr)
          .toLowerCase(Locale.ROOT)
          .contains("credentials not found")) {
        return Optional.empty();
      }
      throw new CredentialException(
          describe()
              + " failed for "
              + registry
              + " (exit "
              + run.exitCode
              + ")"
              + (said.isEmpty() ? "" : ": " + oneLine(said)));
    }
    return parse(run.stdout, registry);
  }

  private Optional<Credentials> parse(String stdout, String registry) throws CredentialException {
    // stdout holds the secret: no message may quote it, nor Jackson's error (which would)
    JsonNode reply;
    try {
      reply = Json.MAPPER.readTree(stdout);
    } catch (IOException e) {
      reply = null;
    }
    if (reply == null || !reply.isObject()) {
      throw new CredentialException(
          describe() + " for " + registry + ": its answer is not the expected JSON object");
    }
    JsonNode user = reply.path("Username");
    JsonNode secret = reply.path("Secret");
    if (!(user.isTextual() || user.isMissingNode() || user.isNull())
        || !(secret.isTextual() || secret.isMissingNode() || secret.isNull())) {
      throw new CredentialException(
          describe() + " for " + registry + ": Username and Secret in its answer are not strings");
    }
    String u = user.asText("");
    String s = secret.asText("");
    if (s.isEmpty()) {
      return Optional.empty();
    }
    if (u.equals(Credentials.IDENTITY_TOKEN_USER)) {
      return Optional.of(Credentials.identityToken(s));
    }
    if (u.isEmpty()) {
      throw new CredentialException(
          describe() + " for " + registry + ": its answer has a Secret but no Username");
    }
    return Optional.of(new Credentials(u, s));
  }

  private Path find(String exe) {
    String path = env.get("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, exe);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  private Run run(Path exe, String stdin, String registry) throws CredentialException {
    ProcessBuilder pb = new ProcessBuilder(List.of(exe.toString(), "get"));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new CredentialException(
          describe() + " for " + registry + ": cannot run " + exe + ": " + e.getMessage(), e);
    }
    try (OnSignal.Registration r = OnSignal.stopOnSignal(p)) {
      OutputTail out = new OutputTail(p.getInputStream(), KEEP, PREFIX + name + "-stdout");
      OutputTail err = new OutputTail(p.getErrorStream(), KEEP, PREFIX + name + "-stderr");
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // it exited without reading (a broken pipe): what it says about that matters more
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        // what it said while it hung, not the shell's "Killed" as its children die
        String said = err.text();
        OnSignal.kill(p.toHandle());
        throw new CredentialException(
            describe()
                + " did not answer for "
                + registry
                + " within "
                + timeout.toSeconds()
                + " s"
                + (said.isEmpty() ? "" : ": " + oneLine(said)));
      }
      return new Run(p.exitValue(), out.text(), err.text());
    } catch (InterruptedException e) {
      OnSignal.kill(p.toHandle());
      Thread.currentThread().interrupt();
      throw new CredentialException(
          describe() + " for " + registry + ": interrupted while waiting for it", e);
    }
  }

  /** {@code text} on one line, at most {@value #MAX_SAID} characters. */
  static String oneLine(String text) {
    String s = text.strip().replaceAll("\\s+", " ");
    return s.length() <= MAX_SAID ? s : s.substring(0, MAX_SAID) + "...";
  }
}
