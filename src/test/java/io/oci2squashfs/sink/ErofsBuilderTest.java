package io.oci2squashfs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oci2squashfs.exec.ToolException;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mkfs.erofs's command line, version and compressor checks, and its sink, with a fake tool. */
class ErofsBuilderTest {
  @TempDir Path tmp;

  static final TarHeader ROOT =
      TarHeader.of(EntryPath.ROOT, EntryType.DIRECTORY)
          .withMode(0700)
          .withOwner(5, 6)
          .withMtime(Mtime.ofSeconds(1600000000));

  /** A fake mkfs.erofs answering --version as {@code versionLine}; else copies stdin to $last. */
  Path fake(String versionLine) throws Exception {
    Path script = tmp.resolve("mkfs.erofs");
    Files.writeString(
        script,
        "#!/bin/bash\n"
            + "if [ \"$1\" = --version ]; then printf '%s\\n' '"
            + versionLine
            + "' 'available compressors: lz4, lz4hc, lzma, deflate'; exit 0; fi\n"
            + "echo \"$@\" > "
            + tmp.resolve("args")
            + "\n"
            + "cat > \"${@: -1}\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void versionAndCompressorsAreRead() throws Exception {
    MkfsErofsTool t = MkfsErofsTool.locate(fake("mkfs.erofs (erofs-utils) 1.8.6").toString());
    assertEquals("1.8.6", t.version());
    assertEquals(List.of("lz4", "lz4hc", "lzma", "deflate"), t.compressors());
    assertTrue(t.namedLevels());
    ToolException e =
        assertThrows(ToolException.class, () -> t.check(ErofsCompression.parse("zstd:3")));
    assertTrue(e.getMessage().contains("built without zstd; it has lz4, lz4hc"), e.getMessage());
    t.check(ErofsCompression.parse("none"));
  }

  @Test
  void tooOldOrNotMkfsErofsIsRefusedWithTheFix() throws Exception {
    ToolException old =
        assertThrows(
            ToolException.class, () -> MkfsErofsTool.locate(fake("mkfs.erofs 1.5").toString()));
    assertTrue(old.getMessage().contains("does not look like mkfs.erofs"), old.getMessage());
    ToolException v16 =
        assertThrows(
            ToolException.class,
            () -> MkfsErofsTool.locate(fake("mkfs.erofs (erofs-utils) 1.6").toString()));
    assertTrue(v16.getMessage().contains("version 1.6; reading a tar stream"), v16.getMessage());
    assertTrue(v16.hint().contains("scripts/setup"), v16.hint());
    ToolException missing =
        assertThrows(
            ToolException.class, () -> MkfsErofsTool.locate(tmp.resolve("nope").toString()));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
  }

  @Test
  void optionsBecomeArguments() throws Exception {
    MkfsErofsTool t = MkfsErofsTool.locate(fake("mkfs.erofs (erofs-utils) 1.7.1").toString());
    assertEquals(List.of("--tar=f", "--quiet", "-zlz4hc"), ErofsOptions.DEFAULT.arguments(t));
    UUID u = UUID.fromString("75882f96-545b-38ab-a977-1f7ffb1ce717");
    assertEquals(
        List.of("--tar=f", "--quiet", "-zlzma,9", "-b1024", "-T0", "--mkfs-time", "-U" + u),
        ErofsOptions.DEFAULT
            .withCompression(ErofsCompression.parse("lzma:9"))
            .withBlockSize(ErofsOptions.parseBlockSize("1K"))
            .withMkfsTime(0L)
            .withUuid(u)
            .arguments(t));
    assertEquals(
        List.of("--tar=f", "--quiet", "-T77", "--all-time"),
        ErofsOptions.DEFAULT
            .withCompression(ErofsCompression.parse("none"))
            .withMkfsTime(77L)
            .withAllTime(77L)
            .arguments(t));
  }

  @Test
  void uuidFromTheImageOnlyWhenReproducible() {
    ErofsOptions random = ErofsOptions.DEFAULT.withUuidFrom("sha256:aa");
    assertNull(random.uuid());
    ErofsOptions fixed = ErofsOptions.DEFAULT.withMkfsTime(0L);
    assertEquals(fixed.withUuidFrom("sha256:aa").uuid(), fixed.withUuidFrom("sha256:aa").uuid());
    assertTrue(
        !fixed.withUuidFrom("sha256:aa").uuid().equals(fixed.withUuidFrom("sha256:bb").uuid()));
  }

  @Test
  void badCompressionOrBlockSizeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ErofsCompression.parse("xz"));
    assertThrows(IllegalArgumentException.class, () -> ErofsCompression.parse("lz4:3"));
    assertThrows(IllegalArgumentException.class, () -> ErofsCompression.parse("lz4hc:13"));
    assertThrows(IllegalArgumentException.class, () -> ErofsCompression.parse("zstd:x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ErofsOptions.DEFAULT.withBlockSize(ErofsOptions.parseBlockSize("3000")));
    assertThrows(IllegalArgumentException.class, () -> ErofsOptions.parseBlockSize("big"));
  }

  @Test
  void rootGoesFirstInTheTarAndSubSecondTimesStay() throws Exception {
    MkfsErofsTool t = MkfsErofsTool.locate(fake("mkfs.erofs (erofs-utils) 1.8.6").toString());
    Path out = tmp.resolve("x.erofs");
    TarHeader old =
        TarHeader.of(EntryPath.of("old"), EntryType.FILE).asFile(0).withMtime(Mtime.ofSeconds(-5));
    TarHeader fine =
        TarHeader.of(EntryPath.of("fine"), EntryType.FILE)
            .asFile(0)
            .withMtime(Mtime.parsePax("1700000000.123456789"));
    try (FilesystemSink sink =
        FilesystemSink.start(new ErofsBuilder(t, ErofsOptions.DEFAULT), out, ROOT, false)) {
      sink.write(old, InputStream.nullInputStream());
      sink.write(fine, InputStream.nullInputStream());
      sink.commit();
      assertEquals(List.of(), sink.warnings(), "erofs keeps times before 1970");
    }
    try (InputStream in = Files.newInputStream(out)) {
      TarReader r = new TarReader(in);
      TarHeader root = r.next();
      assertTrue(root.path().isRoot(), root.path().raw());
      assertEquals(0700, root.mode());
      assertEquals(5, root.uid());
      assertEquals(-5, r.next().mtime().seconds());
      assertEquals(123456789, r.next().mtime().nanos());
    }
    assertTrue(Files.readString(tmp.resolve("args")).startsWith("--tar=f --quiet -zlz4hc "));
  }

  // erofs-utils 1.8.6's tar reader smears a device minor with bit 19 set (found by ErofsOracleIT)
  @Test
  void deviceMinorsMkfsErofsMiswritesAreWarnedAbout() throws Exception {
    TarHeader dev =
        TarHeader.of(EntryPath.of("dev/odd"), EntryType.FILE)
            .withDevice(EntryType.CHAR_DEVICE, 247, 735704);
    for (String version : List.of("1.8.6", "1.8.6-oci2squashfs1")) {
      MkfsErofsTool t =
          MkfsErofsTool.locate(fake("mkfs.erofs (erofs-utils) " + version).toString());
      Path out = tmp.resolve("d" + version + ".erofs");
      try (FilesystemSink sink =
          FilesystemSink.start(new ErofsBuilder(t, ErofsOptions.DEFAULT), out, ROOT, false)) {
        sink.write(dev, null);
        sink.write(
            dev.withPath(EntryPath.of("dev/ok")).withDevice(EntryType.CHAR_DEVICE, 1, 3), null);
        sink.commit();
        if (version.contains("oci2squashfs")) {
          assertEquals(List.of(), sink.warnings());
        } else {
          assertEquals(1, sink.warnings().size(), sink.warnings().toString());
          String w = sink.warnings().get(0);
          assertTrue(w.startsWith("1 device node(s), the first dev/odd,"), w);
          assertTrue(w.contains("mkfs.erofs 1.8.6 stores device minors 524288"), w);
        }
      }
    }
  }
}
