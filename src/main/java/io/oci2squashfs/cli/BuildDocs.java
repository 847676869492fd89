package io.oci2squashfs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes the man pages and the bash/zsh completion script from the command line's model; the build
 * runs it (pom.xml, exec-maven-plugin) into {@code target/}.
 *
 * <p>Usage: {@code BuildDocs DIR VERSION}: writes {@code DIR/man/man1/oci2squashfs*.1} and {@code
 * DIR/oci2squashfs_completion}.
 */
public final class BuildDocs {
  private BuildDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: BuildDocs DIR VERSION");
    }
    Path dir = Path.of(args[0]);
    String version = "oci2squashfs " + args[1];
    CommandLine root = Main.commandLine();
    Path man = Files.createDirectories(dir.resolve("man/man1"));
    write(man, root.getCommandSpec(), version);
    for (CommandLine sub : root.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (!spec.usageMessage().hidden() && !spec.name().equals("help")) {
        write(man, spec, version);
      }
    }
    Files.writeString(
        dir.resolve("oci2squashfs_completion"), AutoComplete.bash(root.getCommandName(), root));
  }

  private static void write(Path dir, CommandSpec spec, String version) throws IOException {
    Files.writeString(dir.resolve(spec.qualifiedName("-") + ".1"), ManPage.of(spec, version));
  }
}
