package io.oci2squashfs.overlay;

import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Like {@link MergedTree}, but collects violations of the {@link MergeOutput} guarantees instead of
 * throwing, so that a differential run can report (and shrink) them. Also checks at the end that
 * every directory holding something was written explicitly.
 */
final class MergeRecorder implements MergeOutput {
  final List<TarHeader> written = new ArrayList<>();
  final Map<EntryPath, MergedTree.Inode> byPath = new LinkedHashMap<>();
  final List<String> problems = new ArrayList<>();
  final List<MergeWarning> warnings = new ArrayList<>();

  /**
   * Files of size 0 handed over with a null stream (allowed by PaxTarWriter, not by the contract's
   * words).
   */
  int nullContentForEmptyFile;

  MergeResult result;

  @Override
  public void write(TarHeader h, InputStream content) throws IOException {
    EntryPath path = h.path();
    if (path.isRoot()) {
      problems.add("root written as an entry");
      return;
    }
    if (byPath.containsKey(path)) {
      problems.add(
          "written twice: "
              + path.display()
              + " ("
              + byPath.get(path).header
              + ", then "
              + h
              + ")");
      return;
    }
    for (EntryPath a = path.parent(); !a.isRoot(); a = a.parent()) {
      MergedTree.Inode parent = byPath.get(a);
      if (parent != null && parent.header.type() != EntryType.DIRECTORY) {
        problems.add("non-directory " + a.display() + " has a child " + path.display());
      }
    }
    if (h.type() != EntryType.DIRECTORY) {
      for (EntryPath p : byPath.keySet()) {
        if (!p.equals(path) && p.startsWith(path)) {
          problems.add(
              "non-directory " + path.display() + " written over existing child " + p.display());
          break;
        }
      }
    }
    written.add(h);
    if (h.type() == EntryType.HARDLINK) {
      MergedTree.Inode target = byPath.get(h.hardLinkTarget());
      if (target == null) {
        problems.add(
            "hard link "
                + path.display()
                + " written before its target "
                + h.hardLinkTarget().display());
        return;
      }
      if (target.header.type() == EntryType.DIRECTORY) {
        problems.add("hard link to a directory: " + path.display());
        return;
      }
      byPath.put(path, target);
      return;
    }
    byte[] bytes = new byte[0];
    if (h.type() == EntryType.FILE) {
      if (content == null) {
        if (h.size() != 0) {
          problems.add("no content for " + path.display());
        } else {
          nullContentForEmptyFile++;
        }
      } else {
        bytes = content.readNBytes((int) h.size());
        if (bytes.length != h.size()) {
          problems.add("short content for " + path.display());
        }
      }
    }
    byPath.put(path, new MergedTree.Inode(h, bytes));
  }

  /** Checks that every parent of a written path has an explicit directory entry. */
  void checkExplicitDirs() {
    for (EntryPath p : byPath.keySet()) {
      for (EntryPath a = p.parent(); !a.isRoot(); a = a.parent()) {
        if (!byPath.containsKey(a)) {
          problems.add("directory " + a.display() + " never written explicitly");
          return;
        }
      }
    }
  }

  /**
   * Following lower symlinks as the converter does: again, into a fresh recorder, while a pass
   * learns something.
   */
  static MergeRecorder mergeFollowing(List<MemoryLayer> layers) throws IOException {
    MergeOptions options = MergeOptions.DEFAULT.withRedirects(SymlinkRedirects.none());
    MergeRecorder[] current = new MergeRecorder[1];
    MergeListener listener =
        new MergeListener() {
          @Override
          public void warning(MergeWarning w) {
            current[0].warnings.add(w);
          }
        };
    MergePasses.Outputs<MergeRecorder> recorders =
        new MergePasses.Outputs<>() {
          @Override
          public MergeRecorder open() {
            current[0] = new MergeRecorder();
            return current[0];
          }

          @Override
          public void discard(MergeRecorder rec, MergeResult.Repeat why) {}
        };
    try {
      MergePasses.Settled<MergeRecorder> s =
          MergePasses.settle(
              new MemoryLayer.Source(layers), options, listener, recorders, (pass, why) -> {});
      MergeRecorder rec = s.output();
      rec.result = s.result();
      rec.checkExplicitDirs();
      if (rec.written.size() != rec.result.entriesWritten()) {
        rec.problems.add(
            "entriesWritten "
                + rec.result.entriesWritten()
                + " but "
                + rec.written.size()
                + " written");
      }
      return rec;
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("more to learn")) {
        throw e;
      }
      MergeRecorder rec = current[0];
      rec.problems.add("still learning after " + MergeOptions.MAX_PASSES + " passes");
      rec.result =
          new LayerMerger(options, MergeListener.NONE)
              .merge(new MemoryLayer.Source(layers), new MergeRecorder());
      return rec;
    }
  }

  static MergeRecorder merge(List<MemoryLayer> layers, MergeOptions options) throws IOException {
    MergeRecorder rec = new MergeRecorder();
    MergeListener listener =
        new MergeListener() {
          @Override
          public void warning(MergeWarning w) {
            rec.warnings.add(w);
          }
        };
    rec.result = new LayerMerger(options, listener).merge(new MemoryLayer.Source(layers), rec);
    rec.checkExplicitDirs();
    if (rec.written.size() != rec.result.entriesWritten()) {
      rec.problems.add(
          "entriesWritten "
              + rec.result.entriesWritten()
              + " but "
              + rec.written.size()
              + " written");
    }
    return rec;
  }

  Map<String, String> describeAll() {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<EntryPath, MergedTree.Inode> e : byPath.entrySet()) {
      out.put(
          e.getKey().display(),
          OldestFirstModel.describe(e.getValue().header, e.getValue().content));
    }
    return out;
  }
}
