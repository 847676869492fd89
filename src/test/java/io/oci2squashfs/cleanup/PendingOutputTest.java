package io.oci2squashfs.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingOutputTest {
  @TempDir Path tmp;

  @Test
  void aFileAppearsOnlyOnCommit() throws IOException {
    Path out = tmp.resolve("image.squashfs");
    try (PendingOutput p = PendingOutput.file(out, false)) {
      assertEquals(tmp, p.partial().getParent());
      assertTrue(
          p.partial().getFileName().toString().startsWith(".image.squashfs."),
          p.partial().toString());
      assertTrue(p.partial().getFileName().toString().endsWith(".partial"));
      Files.writeString(p.partial(), "new");
      assertFalse(Files.exists(out));
      p.commit();
      assertTrue(p.committed());
    }
    assertEquals("new", Files.readString(out));
    assertEquals(List.of(out), list());
  }

  @Test
  void closingWithoutCommitLeavesNothing() throws IOException {
    Path out = tmp.resolve("x.tar");
    try (PendingOutput p = PendingOutput.file(out, false)) {
      Files.writeString(p.partial(), "half");
    }
    assertEquals(List.of(), list());
  }

  @Test
  void anExistingFileIsReplacedOnlyWhenAllowed() throws IOException {
    Path out = Files.writeString(tmp.resolve("x"), "old");
    try (PendingOutput p = PendingOutput.file(out, false)) {
      Files.writeString(p.partial(), "new");
      FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, p::commit);
      assertTrue(e.getMessage().contains("--force"), e.getMessage());
    }
    assertEquals("old", Files.readString(out));
    assertEquals(List.of(out), list());
    try (PendingOutput p = PendingOutput.file(out, true)) {
      Files.writeString(p.partial(), "new");
      p.commit();
    }
    assertEquals("new", Files.readString(out));
  }

  @Test
  void aDirectoryReplacesAnEmptyOneAndAFullOneOnlyWhenAllowed() throws IOException {
    Path out = Files.createDirectory(tmp.resolve("rootfs"));
    try (PendingOutput p = PendingOutput.directory(out, false)) {
      Files.writeString(p.partial().resolve("a"), "1");
      p.commit();
    }
    assertEquals("1", Files.readString(out.resolve("a")));
    try (PendingOutput p = PendingOutput.directory(out, false)) {
      Files.writeString(p.partial().resolve("b"), "2");
      assertThrows(FileAlreadyExistsException.class, p::commit);
    }
    assertEquals(List.of(out), list());
    try (PendingOutput p = PendingOutput.directory(out, true)) {
      Files.createDirectory(p.partial().resolve("d"));
      Files.writeString(p.partial().resolve("d/b"), "2");
      p.commit();
    }
    assertEquals("2", Files.readString(out.resolve("d/b")));
    assertFalse(Files.exists(out.resolve("a")));
    assertEquals(List.of(out), list(), "the old directory, moved aside, is deleted");
  }

  @Test
  void aPartialDirectoryWithReadOnlyDirectoriesIsDeleted() throws IOException {
    Path out = tmp.resolve("rootfs");
    try (PendingOutput p = PendingOutput.directory(out, false)) {
      Path d = Files.createDirectories(p.partial().resolve("usr/lib"));
      Files.writeString(d.resolve("f"), "x");
      Files.setAttribute(d, "unix:mode", 0555);
      Files.setAttribute(d.getParent(), "unix:mode", 0);
      Files.createSymbolicLink(p.partial().resolve("link"), tmp);
    }
    assertEquals(List.of(), list(), "the link's target is not followed");
  }

  private List<Path> list() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.sorted().toList();
    }
  }
}
