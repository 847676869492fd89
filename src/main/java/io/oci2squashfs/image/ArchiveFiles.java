package io.oci2squashfs.image;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The files of an image inside a plain tar archive ({@code docker save}, {@code oci-archive}), read
 * in place. {@link #index} reads the archive's headers once with commons-compress's {@link TarFile}
 * and closes it; each {@link #open} then opens the archive anew, positioned at the member's data,
 * and closing that stream closes the file. So nothing stays open between reads.
 *
 * <p>Member names are normalised ({@code ./a//b} is {@code a/b}; a leading {@code /} is dropped, as
 * tar does on extraction); members whose names hold {@code ..} cannot be named and are left out.
 * When a name appears more than once, the last member wins, as extraction would give. Symlinks and
 * hard links are followed inside the archive, never out of it: an absolute symlink target or one
 * that climbs above the top is an error.
 */
final class ArchiveFiles implements ImageFiles {
  /** As many as Linux follows in one lookup. */
  static final int MAX_LINKS = 40;

  private enum Kind {
    FILE,
    SYMLINK,
    HARDLINK,
    DIRECTORY,
    OTHER
  }

  private record Member(Kind kind, long offset, long size, String target, boolean sparse) {}

  private final Path archive;
  private final String display;
  private final Map<String, Member> members;

  private ArchiveFiles(Path archive, String display, Map<String, Member> members) {
    this.archive = archive;
    this.display = display;
    this.members = members;
  }

  /**
   * Reads the headers of the tar archive {@code file}.
   *
   * @throws ImageFormatException naming the file when it is compressed, not a tar archive or an
   *     empty one
   */
  static ArchiveFiles index(Path file) throws IOException {
    Path archive = file.toAbsolutePath().normalize();
    String compression = compressionOf(archive);
    if (compression != null) {
      throw new ImageFormatException(
          file
              + " is "
              + compression
              + "-compressed; compressed"
              + " archives must be decompressed first, as only a plain tar is read in place");
    }
    Map<String, Member> members = new HashMap<>();
    List<TarArchiveEntry> entries;
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ)) {
      // TarFile closes the channel too; the outer try closes it when TarFile's constructor throws.
      try (TarFile tar =
          new TarFile(
              channel,
              TarConstants.DEFAULT_BLKSIZE,
              TarConstants.DEFAULT_RCDSIZE,
              StandardCharsets.UTF_8.name(),
              false)) {
        entries = tar.getEntries();
      } catch (IOException | IllegalArgumentException e) {
        throw new ImageFormatException(
            file + " is not a tar archive, or a damaged one (" + e.getMessage() + ")", e);
      }
    }
    if (entries.isEmpty()) {
      throw new ImageFormatException(file + " is not a tar archive, or an empty one");
    }
    for (TarArchiveEntry e : entries) {
      String name = memberName(e.getName());
      if (name != null) {
        members.put(name, member(e));
      }
    }
    return new ArchiveFiles(archive, file.toString(), members);
  }

  @Override
  public Path location() {
    return archive;
  }

  @Override
  public boolean isArchive() {
    return true;
  }

  @Override
  public String resolve(String relative, String where) throws ImageFormatException {
    if (relative == null || relative.isEmpty()) {
      throw new ImageFormatException(where + ": empty path");
    }
    if (relative.startsWith("/") || relative.startsWith("\\")) {
      throw new ImageFormatException(where + ": absolute path \"" + relative + "\" not allowed");
    }
    Deque<String> todo = new ArrayDeque<>(Arrays.asList(relative.split("/", -1)));
    List<String> done = new ArrayList<>();
    int links = 0;
    String via = null; // the last link followed, for messages
    while (true) {
      while (!todo.isEmpty()) {
        String part = todo.pollFirst();
        if (part.isEmpty() || part.equals(".")) {
          continue;
        }
        if (part.equals("..")) {
          if (done.isEmpty()) {
            throw new ImageFormatException(
                where
                    + ": path \""
                    + relative
                    + "\" leads outside the archive"
                    + (via == null ? "" : " through " + via));
          }
          done.remove(done.size() - 1);
          continue;
        }
        done.add(part);
        String sofar = String.join("/", done);
        Member m = members.get(sofar);
        if (m != null && m.kind() == Kind.SYMLINK) {
          via = "the symlink " + sofar + " -> " + m.target();
          if (++links > MAX_LINKS) {
            throw tooManyLinks(relative, where);
          }
          if (m.target().startsWith("/")) {
            throw new ImageFormatException(
                where + ": path \"" + relative + "\" leads outside the archive through " + via);
          }
          done.remove(done.size() - 1);
          prepend(todo, m.target());
        }
      }
      String name = String.join("/", done);
      Member m = members.get(name);
      if (m == null || m.kind() != Kind.HARDLINK) {
        return name;
      }
      // A hard link names another member by its path from the top of the archive.
      via = "the hard link " + name + " -> " + m.target();
      if (++links > MAX_LINKS) {
        throw tooManyLinks(relative, where);
      }
      done.clear();
      prepend(todo, m.target());
    }
  }

  @Override
  public boolean exists(String name) {
    return members.containsKey(name);
  }

  @Override
  public boolean isFile(String name) {
    Member m = members.get(name);
    return m != null && m.kind() == Kind.FILE;
  }

  @Override
  public long size(String name) throws IOException {
    return file(name).size();
  }

  @Override
  public InputStream open(String name) throws IOException {
    Member m = file(name);
    if (m.sparse()) {
      throw new ImageFormatException(name + ": a sparse tar member, which is not read in place");
    }
    FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ);
    try {
      if (channel.size() < m.offset() + m.size()) {
        throw new EOFException(
            name
                + ": the archive is shorter than when it was indexed;"
                + " it changed while being read");
      }
      channel.position(m.offset());
      return new MemberStream(Channels.newInputStream(channel), m.size(), name);
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public Layer.Opener opener(String name) {
    return () -> {
      try {
        return open(name);
      } catch (IOException e) {
        throw new IOException(display + ": " + e.getMessage(), e);
      }
    };
  }

  private Member file(String name) throws IOException {
    Member m = members.get(name);
    if (m == null || m.kind() != Kind.FILE) {
      throw new ImageFormatException(name + ": not a file in the archive");
    }
    return m;
  }

  private static void prepend(Deque<String> todo, String path) {
    String[] parts = path.split("/", -1);
    for (int i = parts.length - 1; i >= 0; i--) {
      todo.addFirst(parts[i]);
    }
  }

  private static ImageFormatException tooManyLinks(String relative, String where) {
    return new ImageFormatException(
        where
            + ": path \""
            + relative
            + "\": more than "
            + MAX_LINKS
            + " links to follow (a loop?)");
  }

  /** The normal form of a member's name, or null when it holds {@code ..} or is the top itself. */
  static String memberName(String raw) {
    List<String> parts = new ArrayList<>();
    for (String part : raw.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        return null;
      }
      parts.add(part);
    }
    return parts.isEmpty() ? null : String.join("/", parts);
  }

  private static Member member(TarArchiveEntry e) {
    Kind kind;
    if (e.isSymbolicLink()) {
      kind = Kind.SYMLINK;
    } else if (e.isLink()) {
      kind = Kind.HARDLINK;
    } else if (e.isDirectory()) {
      kind = Kind.DIRECTORY;
    } else if (e.getLinkFlag() == TarConstants.LF_NORMAL
        || e.getLinkFlag() == TarConstants.LF_OLDNORM
        || e.getLinkFlag() == TarConstants.LF_CONTIG
        || e.isGNUSparse()) {
      kind = Kind.FILE;
    } else {
      kind = Kind.OTHER;
    }
    return new Member(
        kind,
        e.getDataOffset(),
        kind == Kind.FILE ? e.getRealSize() : 0,
        e.getLinkName(),
        e.isSparse());
  }

  // The compression a file's first bytes show, or null.
  private static String compressionOf(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(6);
    }
    if (startsWith(head, 0x1f, 0x8b)) {
      return "gzip";
    }
    if (startsWith(head, 0x28, 0xb5, 0x2f, 0xfd)) {
      return "zstd";
    }
    if (startsWith(head, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
      return "xz";
    }
    if (startsWith(head, 'B', 'Z', 'h')) {
      return "bzip2";
    }
    return null;
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** One member's bytes; fails on a short archive instead of ending early. Closes the file. */
  private static final class MemberStream extends FilterInputStream {
    private final String name;
    private long remaining;

    MemberStream(InputStream in, long size, String name) {
      super(in);
      this.remaining = size;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException(
            name
                + ": the archive ends "
                + remaining
                + " bytes before this member does; it is truncated or changed while being read");
      }
      remaining -= n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 8192)];
      int r = read(buf, 0, buf.length);
      return Math.max(r, 0);
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public synchronized void mark(int readlimit) {}

    @Override
    public synchronized void reset() throws IOException {
      throw new IOException("mark/reset not supported");
    }
  }
}
