package io.oci2squashfs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.examples.Examples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples, run for real on the demo image: convert it, then verify the result
 * against it.
 */
class ApiExamplesIT {
  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    Tools.require("mksquashfs", "unsquashfs", "umoci");
  }

  @Test
  void convertThenVerifyTheDemoImage() throws Exception {
    Path out = tmp.resolve("demo.squashfs");
    String printed = stdout(() -> Examples.convert("examples/demo-image", out.toString()));
    assertTrue(Files.size(out) > 0);
    assertTrue(printed.startsWith(out.toAbsolutePath() + ": "), printed);
    assertTrue(printed.contains("whiteouts applied"), printed);

    int[] code = new int[1];
    String report =
        stdout(() -> code[0] = Examples.verify(out.toString(), "examples/demo-image", "latest"));
    assertEquals(0, code[0], report);
    assertTrue(report.startsWith("equal"), report);
  }

  interface Body {
    void run() throws Exception;
  }

  private static String stdout(Body body) throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(saved);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
