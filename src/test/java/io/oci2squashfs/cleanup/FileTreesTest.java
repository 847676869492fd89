package io.oci2squashfs.cleanup;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path tmp;

  @Test
  void deletesATreeButNotWhatItsSymlinksPointAt() throws Exception {
    Path keep = Files.writeString(tmp.resolve("keep"), "k");
    Path tree = Files.createDirectories(tmp.resolve("t/a/b"));
    Files.writeString(tree.resolve("f"), "x");
    Files.createSymbolicLink(tmp.resolve("t/link"), keep);
    Files.createSymbolicLink(tmp.resolve("t/dirlink"), tmp);
    FileTrees.delete(tmp.resolve("t"));
    assertFalse(Files.exists(tmp.resolve("t"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(keep));
  }

  @Test
  void nothingThereIsNotAnError() throws Exception {
    FileTrees.delete(tmp.resolve("absent"));
    Path file = Files.writeString(tmp.resolve("f"), "x");
    FileTrees.delete(file);
    assertFalse(Files.exists(file));
  }

  // a signal's clean-up deletes a partial directory while the run's own thread still writes into it
  @Test
  void deletesATreeAnotherThreadIsStillFilling() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("t"));
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                try {
                  Path d = tree.resolve("d" + (i % 50));
                  if (!Files.isDirectory(d)) {
                    Files.createDirectory(d); // fails once the tree is gone
                  }
                  Files.writeString(d.resolve("f" + i), "x");
                } catch (Exception e) {
                  return; // the tree is gone: what a stopped run's writer sees
                }
              }
            });
    writer.start();
    Thread.sleep(50);
    try {
      FileTrees.delete(tree, true); // as the shutdown hook deletes
    } finally {
      stop.set(true);
      writer.join();
    }
    assertFalse(Files.exists(tree));
  }
}
