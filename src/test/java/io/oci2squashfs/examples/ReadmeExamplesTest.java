package io.oci2squashfs.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's Java examples are these compiled classes, word for word (from the imports on). */
class ReadmeExamplesTest {
  static final Path SOURCES = Path.of("src/test/java/io/oci2squashfs/examples");

  @Test
  void readmeShowsTheExamplesAsTheyAre() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (String example : new String[] {"ConvertExample.java", "VerifyExample.java"}) {
      String source = Files.readString(SOURCES.resolve(example));
      String body = source.substring(source.indexOf("import ")).strip();
      assertTrue(
          readme.contains("```java\n" + body + "\n```"),
          example + " differs from the README's copy; paste it again from the first import on");
    }
  }
}
