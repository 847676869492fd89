package io.oci2squashfs.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oci2squashfs.verity.VerityParameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code veritysetup}, run on plain files (no device-mapper needed), as the reference for
 * every verity test.
 */
public final class Veritysetup {
  private static final Pattern ROOT = Pattern.compile("(?m)^Root hash:\\s+([0-9a-f]{64})\\s*$");

  private Veritysetup() {}

  /** What a run exited with and printed. */
  public record Run(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  /** veritysetup lives in sbin, which is not on every user's PATH. */
  private static final Path SBIN = Path.of("/usr/sbin/veritysetup");

  public static boolean installed() {
    boolean found = Files.isExecutable(SBIN);
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "veritysetup"));
    }
    return found;
  }

  public static void assumeInstalled() {
    assumeTrue(installed(), "veritysetup not installed");
  }

  public static Run run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Files.isExecutable(SBIN) ? SBIN.toString() : "veritysetup");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }

  /** {@code veritysetup format} with our parameters spelled out; returns the root hash hex. */
  public static String format(Path data, Path hash, VerityParameters p, String... extra)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("format", data.toString(), hash.toString()));
    byte[] salt = p.salt();
    args.add("--salt=" + (salt.length == 0 ? "-" : HexFormat.of().formatHex(salt)));
    args.add("--uuid=" + p.uuid());
    args.addAll(
        List.of("--hash=sha256", "--data-block-size=4096", "--hash-block-size=4096", "--format=1"));
    args.addAll(List.of(extra));
    Run r = run(args.toArray(String[]::new));
    if (r.exit() != 0) {
      throw new IOException("veritysetup format failed: " + r.output());
    }
    return rootHashIn(r.output());
  }

  public static Run verify(Path data, Path hash, String root, String... extra)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("verify", data.toString(), hash.toString(), root));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** {@code blocks} blocks of seeded random bytes: reproducible, and no two blocks alike. */
  public static Path randomData(Path file, long blocks, long seed) throws IOException {
    Random r = new Random(seed);
    byte[] block = new byte[4096];
    try (var out = Files.newOutputStream(file)) {
      for (long i = 0; i < blocks; i++) {
        r.nextBytes(block);
        out.write(block);
      }
    }
    return file;
  }

  /** The root hash {@code veritysetup format} printed. */
  public static String rootHashIn(String formatOutput) throws IOException {
    Matcher m = ROOT.matcher(formatOutput);
    if (!m.find()) {
      throw new IOException("no root hash in: " + formatOutput);
    }
    return m.group(1);
  }

  /** Changes one bit of the byte at {@code offset}. */
  public static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
      ch.write(b, offset);
    }
  }
}
