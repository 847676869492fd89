package io.oci2squashfs.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.oci2squashfs.overlay.LayerEntries;
import io.oci2squashfs.overlay.LayerSource;
import io.oci2squashfs.overlay.MergeListener;
import io.oci2squashfs.overlay.MergeOptions;
import io.oci2squashfs.overlay.MergeOutput;
import io.oci2squashfs.overlay.MergePasses;
import io.oci2squashfs.overlay.MergeResult;
import io.oci2squashfs.overlay.SymlinkRedirects;
import io.oci2squashfs.tar.EntryPath;
import io.oci2squashfs.tar.EntryType;
import io.oci2squashfs.tar.TarHeader;
import io.oci2squashfs.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes the tar reader and the merge together: bytes become one to three layer tars, merged newest
 * first into an output that reads every file's content and checks the merge's promises. An {@link
 * IOException} with a message is the expected way to refuse bad input; anything else (a runtime
 * exception, an error, a hang) is a bug. {@link FuzzInput} says how the bytes are split.
 *
 * <p>{@code mvn verify} runs the seeds in {@code TarMergeFuzzTestInputs/} (and every crash found so
 * far, kept there); {@code scripts/fuzz} fuzzes for longer.
 */
class TarMergeFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void tarAndMerge(byte[] data) throws Exception {
    List<byte[]> layers = FuzzInput.layers(data);
    MergeResult result;
    try {
      result = mergeAll(layers);
    } catch (IOException e) {
      FuzzInput.requireMessage(e);
      return;
    }
    if (result == null) {
      throw new AssertionError("no result");
    }
  }

  /** Merges the layers (base first) into a checking output; also read each layer alone. */
  static MergeResult mergeAll(List<byte[]> layers) throws IOException {
    for (byte[] layer : layers) {
      readAlone(layer);
    }
    LayerSource source =
        new LayerSource() {
          @Override
          public int layerCount() {
            return layers.size();
          }

          @Override
          public LayerEntries open(int index) {
            TarReader reader = new TarReader(new ByteArrayInputStream(layers.get(index)));
            return new LayerEntries() {
              @Override
              public TarHeader next() throws IOException {
                return reader.next();
              }

              @Override
              public InputStream content() {
                return reader.content();
              }

              @Override
              public void close() {}
            };
          }
        };
    // as the converter runs it: following lower symlinks, and again while a pass learns something
    MergeOptions options = MergeOptions.DEFAULT.withRedirects(SymlinkRedirects.none());
    return MergePasses.settle(
            source,
            options,
            MergeListener.NONE,
            new MergePasses.Outputs<CheckingOutput>() {
              @Override
              public CheckingOutput open() {
                return new CheckingOutput();
              }

              @Override
              public void discard(CheckingOutput out, MergeResult.Repeat why) {}
            },
            (pass, why) -> {})
        .result();
  }

  /**
   * Reads one tar to its end the way the merge does not: every content byte, one entry after
   * another.
   */
  private static void readAlone(byte[] tar) throws IOException {
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    for (TarHeader h = reader.next(); h != null; h = reader.next()) {
      long n = reader.content().transferTo(OutputStream.nullOutputStream());
      if (n != h.size()) {
        throw new AssertionError(
            h.path().display() + ": read " + n + " content bytes, header says " + h.size());
      }
    }
  }

  /** Discards what the merge writes, checking MergeOutput's guarantees on the way. */
  private static final class CheckingOutput implements MergeOutput {
    private final Set<EntryPath> written = new HashSet<>();

    @Override
    public void write(TarHeader header, InputStream content) throws IOException {
      if (header.path().equals(EntryPath.ROOT)) {
        throw new AssertionError("the root was written as an entry");
      }
      if (!written.add(header.path())) {
        throw new AssertionError(header.path().display() + " written twice");
      }
      if (header.type() == EntryType.HARDLINK && !written.contains(header.hardLinkTarget())) {
        throw new AssertionError(
            header.path().display()
                + ": hard link before its target "
                + header.hardLinkTarget().display());
      }
      if (header.type() == EntryType.FILE) {
        long n = content.transferTo(OutputStream.nullOutputStream());
        if (n != header.size()) {
          throw new AssertionError(
              header.path().display()
                  + ": content has "
                  + n
                  + " bytes, header says "
                  + header.size());
        }
      }
    }
  }
}
