package io.oci2squashfs.examples;

import io.oci2squashfs.verify.CompareOptions;
import io.oci2squashfs.verify.PathFilter;
import io.oci2squashfs.verify.Reference;
import io.oci2squashfs.verify.ReportFormatter;
import io.oci2squashfs.verify.Verifier;
import io.oci2squashfs.verify.VerifyListener;
import io.oci2squashfs.verify.VerifyReport;
import io.oci2squashfs.verify.VerifyRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a squashfs against the image it came from: java VerifyExample SQUASHFS IMAGE-LAYOUT TAG
 */
public class VerifyExample {
  public static void main(String[] args) throws IOException {
    System.exit(verify(args));
  }

  /** Prints the differences; returns 0 when equal, 3 when not. */
  static int verify(String[] args) throws IOException {
    VerifyRequest request =
        VerifyRequest.of(Path.of(args[0]), Reference.image(Path.of(args[1]), args[2]))
            .withOptions(
                CompareOptions.DEFAULT
                    .withOwnership(
                        isRoot()) // umoci unpacks rootless otherwise, and every file is ours
                    .withIgnore(PathFilter.of(List.of("*.pyc", "/var/cache/**"))));
    VerifyListener listener =
        new VerifyListener() {
          @Override
          public void note(String message) {
            System.err.println("note: " + message);
          }
        };
    // A difference is part of the report; an IOException means the check could not be made.
    VerifyReport report = new Verifier(listener).verify(request);
    System.out.print(ReportFormatter.text(report)); // or ReportFormatter.json(report)
    return report.equal() ? 0 : 3;
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
