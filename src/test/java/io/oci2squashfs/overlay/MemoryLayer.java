package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.Mtime;
import io.oci2squashfs.tar.TarHeader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fluent in-memory layer for merge tests: entries in tar order, names given as written in a tar.
 */
final class MemoryLayer {
  record Entry(TarHeader header, byte[] content) {}

  final List<Entry> entries = new ArrayList<>();

  static MemoryLayer layer() {
    return new MemoryLayer();
  }

  static EntryPath p(String name) {
    return EntryPath.ofUtf8(name);
  }

  MemoryLayer dir(String name) {
    return dir(name, 0755);
  }

  MemoryLayer dir(String name, int mode) {
    return add(TarHeader.of(p(name), EntryType.DIRECTORY).withMode(mode), null);
  }

  MemoryLayer dir(String name, int mode, long uid, long gid, long mtime) {
    return add(
        TarHeader.of(p(name), EntryType.DIRECTORY)
            .withMode(mode)
            .withOwner(uid, gid)
            .withMtime(Mtime.ofSeconds(mtime)),
        null);
  }

  MemoryLayer file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  MemoryLayer file(String name, byte[] content, int mode) {
    return add(
        TarHeader.of(p(name), EntryType.FILE).asFile(content.length).withMode(mode), content);
  }

  MemoryLayer file(String name, String content, int mode, long uid, long gid) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return add(
        TarHeader.of(p(name), EntryType.FILE)
            .asFile(bytes.length)
            .withMode(mode)
            .withOwner(uid, gid),
        bytes);
  }

  MemoryLayer symlink(String name, String target) {
    return add(
        TarHeader.of(p(name), EntryType.SYMLINK).withSymlinkTarget(raw(target)).withMode(0777),
        null);
  }

  MemoryLayer hardlink(String name, String target) {
    return add(TarHeader.of(p(name), EntryType.FILE).asHardLinkTo(p(target)), null);
  }

  MemoryLayer fifo(String name) {
    return add(TarHeader.of(p(name), EntryType.FIFO), null);
  }

  MemoryLayer charDevice(String name, int major, int minor) {
    return add(
        TarHeader.of(p(name), EntryType.FILE).withDevice(EntryType.CHAR_DEVICE, major, minor),
        null);
  }

  MemoryLayer whiteout(String name) {
    EntryPath path = p(name);
    EntryPath parent = path.parent();
    return file(parent.isRoot() ? ".wh." + path.name() : parent.raw() + "/.wh." + path.name(), "");
  }

  MemoryLayer opaque(String dir) {
    return file(dir.isEmpty() ? ".wh..wh..opq" : dir + "/.wh..wh..opq", "");
  }

  /** Adds the last entry's xattr. */
  MemoryLayer xattr(String name, byte[] value) {
    Entry last = entries.remove(entries.size() - 1);
    Map<String, byte[]> x = new TreeMap<>(last.header().xattrs());
    x.put(name, value);
    entries.add(new Entry(last.header().withXattrs(x), last.content()));
    return this;
  }

  /** Sets the last entry's mtime. */
  MemoryLayer mtime(long seconds) {
    Entry last = entries.remove(entries.size() - 1);
    entries.add(new Entry(last.header().withMtime(Mtime.ofSeconds(seconds)), last.content()));
    return this;
  }

  MemoryLayer add(TarHeader header, byte[] content) {
    entries.add(new Entry(header, content == null ? new byte[0] : content));
    return this;
  }

  private static String raw(String utf8) {
    return new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** The layers as a source, base first; counts how often each was opened. */
  static final class Source implements LayerSource {
    final List<MemoryLayer> layers;
    final int[] opens;

    Source(List<MemoryLayer> layers) {
      this.layers = layers;
      this.opens = new int[layers.size()];
    }

    @Override
    public int layerCount() {
      return layers.size();
    }

    @Override
    public LayerEntries open(int index) {
      opens[index]++;
      List<Entry> list = layers.get(index).entries;
      return new LayerEntries() {
        int next;
        Entry current;

        @Override
        public TarHeader next() {
          current = next < list.size() ? list.get(next++) : null;
          return current == null ? null : current.header();
        }

        @Override
        public InputStream content() {
          return new ByteArrayInputStream(
              Arrays.copyOf(current.content(), current.content().length));
        }

        @Override
        public void close() {}
      };
    }
  }
}
