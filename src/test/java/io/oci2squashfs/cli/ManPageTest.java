package io.oci2squashfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man pages and completion script come from the same model as --help and miss nothing of it.
 */
class ManPageTest {
  @TempDir Path tmp;

  static CommandSpec command(String name) {
    return Main.commandLine().getSubcommands().get(name).getCommandSpec();
  }

  @Test
  void everyOptionAndExampleOfConvertIsOnItsPage() {
    CommandSpec convert = command("convert");
    String page = ManPage.of(convert, "oci2squashfs 9.9");
    assertTrue(page.contains(".TH \"OCI2SQUASHFS-CONVERT\" 1 \"\" \"oci2squashfs 9.9\""), page);
    for (OptionSpec o : convert.options()) {
      for (String name : o.names()) {
        assertTrue(page.contains(ManPage.escape(name)), "the page lacks " + name);
      }
    }
    assertTrue(page.contains("\\&  oci2squashfs convert \\-\\-image examples/demo\\-image"), page);
    assertTrue(page.contains("Default: auto"), "defaults are filled in: " + page);
  }

  @Test
  void noTextLineIsReadAsARequest() {
    for (String name : List.of("convert", "info", "verify")) {
      String page = ManPage.of(command(name), "v");
      for (String line : page.split("\n")) {
        if (line.startsWith(".") || line.startsWith("'")) {
          assertTrue(
              line.matches("\\.(\\\\\"|TH|SH|PP|TP|B|BR|I|nf|fi)( .*)?"),
              name + ": not a request we write: " + line);
        }
      }
      assertFalse(page.contains("%n"), name + ": format strings are expanded");
    }
  }

  @Test
  void theTopPageListsTheCommands() {
    String page = ManPage.of(Main.commandLine().getCommandSpec(), "v");
    for (String name : List.of("convert", "info", "verify", "generate\\-completion")) {
      assertTrue(page.contains(".B " + name + "\n"), name + ": " + page);
    }
  }

  @Test
  void buildDocsWritesAPagePerCommandAndACompletionScript() throws Exception {
    BuildDocs.main(new String[] {tmp.toString(), "1.2.3"});
    for (String page :
        List.of(
            "oci2squashfs", "oci2squashfs-convert", "oci2squashfs-info", "oci2squashfs-verify")) {
      assertTrue(
          Files.readString(tmp.resolve("man/man1/" + page + ".1")).contains("oci2squashfs 1.2.3"),
          page);
    }
    String completion = Files.readString(tmp.resolve("oci2squashfs_completion"));
    assertTrue(
        completion.contains("complete -F _complete_oci2squashfs"), "a bash completion function");
    assertTrue(
        completion.contains("--progress") && completion.contains("(\"auto\" \"tty\" \"plain\")"),
        "options and their values");
  }

  @Test
  void everyCommandListsTheExitCodesOnceInItsHelpAndOnItsPage() {
    for (String name : List.of("convert", "squash", "info", "verify")) {
      String help = CliRun.of(name, "--help").out();
      int first = help.indexOf("Exit codes:");
      assertTrue(first >= 0 && first == help.lastIndexOf("Exit codes:"), name + ": " + help);
      assertTrue(help.contains("\n    3   verify found differences\n"), name + ": " + help);
      assertTrue(help.contains("\n  143   stopped by SIGTERM"), name + ": " + help);
      String page = ManPage.of(command(name), "v");
      assertTrue(page.contains(".SH \"EXIT STATUS\"\n.TP\n.B 0\n"), name + ": " + page);
      assertTrue(page.contains(".TP\n.B 130\nstopped by Ctrl\\-C (SIGINT)"), name + ": " + page);
    }
    String top = CliRun.of("--help").out();
    assertTrue(top.contains("Exit codes:\n    0   done"), top);
  }

  @Test
  void everyCommandsHelpHasExamples() {
    for (String name : List.of("convert", "info", "verify")) {
      CliRun r = CliRun.of(name, "--help");
      assertEquals(0, r.code(), name);
      assertTrue(r.out().contains("Examples:\n  oci2squashfs " + name), name + ": " + r.out());
    }
    assertTrue(CliRun.of("--help").out().contains("Examples:"), "and the top-level help");
    CliRun completion = CliRun.of("generate-completion");
    assertEquals(0, completion.code());
    assertTrue(
        completion.out().contains("_complete_oci2squashfs"), "completion from the tool itself");
  }
}
