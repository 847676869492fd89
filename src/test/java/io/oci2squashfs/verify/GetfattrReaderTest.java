package io.oci2squashfs.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** Parsing {@code getfattr -R -d -m - -e hex --absolute-names} output. */
class GetfattrReaderTest {
  static Map<String, SortedMap<String, String>> parse(String text, String root) throws IOException {
    return GetfattrReader.parse(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), root);
  }

  @Test
  void pathsBecomeTreePathsAndValuesHex() throws IOException {
    Map<String, SortedMap<String, String>> x =
        parse(
            String.join(
                "\n",
                "# file: /tmp/r",
                "user.root=0x01",
                "",
                "# file: /tmp/r/d 1/f x",
                "security.capability=0x0100000200200000000000000000000000000000",
                "user.foo=0x6120623D63",
                "",
                "# file: /tmp/r/a\\134b\\012c",
                "user.e=0x",
                "user.f",
                ""),
            "/tmp/r");
    assertEquals(Map.of("user.root", "01"), x.get("/"));
    assertEquals(
        Map.of(
            "security.capability",
            "0100000200200000000000000000000000000000",
            "user.foo",
            "6120623d63"),
        x.get("/d 1/f x"));
    assertEquals(Map.of("user.e", "", "user.f", ""), x.get("/a\\b\nc"));
    assertEquals(3, x.size());
  }

  @Test
  void listedButUnreadableAttributesCanBeTakenAsEmpty() throws IOException {
    Map<String, SortedMap<String, String>> x = parse("# file: /m/a\nuser.x=0x01\n", "/m");
    GetfattrReader.addUnreadableAsEmpty(
        "/m/a: user.e: No such attribute\n/m/q\"x: user.e: No such attribute\n"
            + "/m/b: Permission denied\n",
        "/m",
        x);
    assertEquals(Map.of("user.x", "01", "user.e", ""), x.get("/a"));
    assertEquals(Map.of("user.e", ""), x.get("/q\"x"));
    assertEquals(2, x.size());
  }

  @Test
  void aPathOutsideTheRootIsAnError() {
    assertThrows(IOException.class, () -> parse("# file: /elsewhere/a\nuser.x=0x01\n", "/m"));
    assertThrows(IOException.class, () -> parse("user.x=0x01\n", "/m"));
  }
}
