package io.oci2squashfs.verify;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to verify and how.
 *
 * @param squashfs the image to check
 * @param reference what it should contain
 * @param method how to read the image
 * @param options what to compare
 * @param tools the external tools to run
 */
public record VerifyRequest(
    Path squashfs, Reference reference, Method method, CompareOptions options, VerifyTools tools) {
  public VerifyRequest {
    Objects.requireNonNull(squashfs, "squashfs");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(tools, "tools");
  }

  /** Defaults: method auto, everything but mtimes compared, tools from PATH. */
  public static VerifyRequest of(Path squashfs, Reference reference) {
    return new VerifyRequest(
        squashfs, reference, Method.AUTO, CompareOptions.DEFAULT, VerifyTools.DEFAULT);
  }

  public VerifyRequest withMethod(Method m) {
    return new VerifyRequest(squashfs, reference, m, options, tools);
  }

  public VerifyRequest withOptions(CompareOptions o) {
    return new VerifyRequest(squashfs, reference, method, o, tools);
  }

  public VerifyRequest withTools(VerifyTools t) {
    return new VerifyRequest(squashfs, reference, method, options, t);
  }
}
