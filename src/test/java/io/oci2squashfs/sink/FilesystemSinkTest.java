package io.oci2squashfs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.exec.ToolException;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against fake mksquashfs scripts: arguments, commit, abort, and failures reported in the
 * tool's words.
 */
class FilesystemSinkTest {
  @TempDir Path tmp;

  static final TarHeader ROOT =
      TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY)
          .withMode(0750)
          .withOwner(1, 2)
          .withMtime(Mtime.ofSeconds(99));

  FilesystemSink start(String body, Path out, boolean replace) throws Exception {
    MksquashfsTool tool =
        MksquashfsTool.locate(FakeMksquashfs.write(tmp, "4.6.1", body).toString());
    return FilesystemSink.start(
        new SquashfsBuilder(tool, MksquashfsOptions.DEFAULT), out, ROOT, replace);
  }

  static TarHeader file(String name, int size) {
    return TarHeader.of(EntryPath.of(name), EntryType.FILE).asFile(size);
  }

  List<Path> leftovers() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
    }
  }

  @Test
  void commitStreamsTheTarAndMovesTheImageIntoPlace() throws Exception {
    Path out = tmp.resolve("out.squashfs");
    Path args = tmp.resolve("args");
    try (FilesystemSink sink = start("echo \"$@\" > " + args + "; cat > \"$2\"", out, false)) {
      sink.write(file("a", 3), new ByteArrayInputStream(new byte[] {1, 2, 3}));
      sink.write(TarHeader.of(EntryPath.of("d"), EntryType.DIRECTORY), null);
      sink.commit();
    }
    assertTrue(Files.exists(out));
    assertEquals(List.of(), leftovers());
    try (InputStream in = Files.newInputStream(out)) {
      TarReader r = new TarReader(in);
      assertEquals("a", r.next().path().raw());
      assertEquals("d", r.next().path().raw());
      assertEquals(null, r.next());
    }
    String a = Files.readString(args);
    assertTrue(a.startsWith("- " + tmp.toAbsolutePath() + "/.out.squashfs."), a);
    assertTrue(a.contains(" -tar -noappend "), a);
    assertTrue(a.contains("-comp zstd -Xcompression-level 3"), a);
    assertTrue(a.contains("-root-mode 0750 -root-uid 1 -root-gid 2 -root-time 99"), a);
    assertTrue(a.contains("-default-mode 0755 -default-uid 0 -default-gid 0"), a);
  }

  @Test
  void toolFailureQuotesItsWordsAndLeavesNothing() throws Exception {
    Path out = tmp.resolve("out.squashfs");
    FilesystemSink sink =
        start("cat > /dev/null; echo 'FATAL ERROR: something broke' >&2; exit 3", out, false);
    sink.write(file("a", 1), new ByteArrayInputStream(new byte[] {1}));
    ToolException e = assertThrows(ToolException.class, sink::commit);
    sink.close();
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("FATAL ERROR: something broke"), e.getMessage());
    assertFalse(Files.exists(out));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void toolDyingMidStreamIsReportedInsteadOfABrokenPipe() throws Exception {
    Path out = tmp.resolve("out.squashfs");
    FilesystemSink sink =
        start(
            "head -c 1000 > /dev/null; echo 'Read failed because of reasons' >&2; exit 1",
            out,
            false);
    byte[] big = new byte[8 << 20];
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> {
              for (int i = 0; i < 10; i++) {
                sink.write(file("f" + i, big.length), new ByteArrayInputStream(big));
              }
              sink.commit();
            });
    sink.close();
    assertTrue(e.getMessage().contains("Read failed because of reasons"), e.getMessage());
    assertEquals(List.of(), leftovers());
  }

  @Test
  void closeWithoutCommitStopsTheToolAndDeletesThePartialImage() throws Exception {
    Path out = tmp.resolve("out.squashfs");
    Path pidFile = tmp.resolve("pid");
    FilesystemSink sink = start("echo $$ > " + pidFile + "; cat > \"$2\"", out, false);
    sink.write(file("a", 1), new ByteArrayInputStream(new byte[] {1}));
    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
      Thread.sleep(10);
    }
    sink.close();
    assertFalse(Files.exists(out));
    assertEquals(List.of(), leftovers());
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "fake mksquashfs still running");
  }

  @Test
  void commitAfterAnAbortFails() throws Exception {
    Path out = tmp.resolve("out.squashfs");
    FilesystemSink sink = start("exec cat > \"$2\"", out, false);
    sink.close();
    assertThrows(java.io.IOException.class, sink::commit);
    assertFalse(Files.exists(out));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void outputThatAppearedMeanwhileIsNotReplacedWithoutPermission() throws Exception {
    Path out = tmp.resolve("out.squashfs");
    try (FilesystemSink sink = start("exec cat > \"$2\"", out, false)) {
      Files.writeString(out, "someone else's");
      assertThrows(java.nio.file.FileAlreadyExistsException.class, sink::commit);
    }
    assertEquals("someone else's", Files.readString(out));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void mtimesOutsideSquashfsRangeAreClampedAndCounted() throws Exception {
    Path out = tmp.resolve("out.squashfs");
    try (FilesystemSink sink = start("exec cat > \"$2\"", out, false)) {
      sink.write(
          file("neg", 0).withMtime(Mtime.ofSeconds(-5)), new ByteArrayInputStream(new byte[0]));
      sink.write(
          file("far", 0).withMtime(Mtime.ofSeconds(1L << 33)),
          new ByteArrayInputStream(new byte[0]));
      sink.write(
          file("frac", 0).withMtime(new Mtime(10, 5)), new ByteArrayInputStream(new byte[0]));
      sink.commit();
      assertEquals(2, sink.timesClamped());
    }
    try (InputStream in = Files.newInputStream(out)) {
      TarReader r = new TarReader(in);
      assertEquals(Mtime.ofSeconds(0), r.next().mtime());
      assertEquals(Mtime.ofSeconds(0xFFFF_FFFFL), r.next().mtime());
      assertEquals(Mtime.ofSeconds(10), r.next().mtime());
    }
  }

  @Test
  void sourceDateEpochIsRemovedUnlessAskedFor() throws Exception {
    // the test JVM's environment cannot be changed; check the child's when it is set at all
    Path out = tmp.resolve("out.squashfs");
    Path env = tmp.resolve("env");
    try (FilesystemSink sink =
        start("echo \"SDE=${SOURCE_DATE_EPOCH:-unset}\" > " + env + "; cat > \"$2\"", out, false)) {
      sink.commit();
    }
    assertEquals("SDE=unset", Files.readString(env).trim());
  }
}
