package io.oci2squashfs.cli;

import io.oci2squashfs.cleanup.OnSignal;
import io.oci2squashfs.exec.ToolException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code oci2squashfs}: turns OCI and Docker container images into squashfs filesystem images. */
@Command(
    name = "oci2squashfs",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {
      InfoCommand.class,
      ConvertCommand.class,
      PullCommand.class,
      SquashCommand.class,
      VerifyCommand.class,
      CacheCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "Turns an OCI or Docker container image into a squashfs filesystem image, exactly as applying"
          + " its layers would give, streamed through mksquashfs without unpacking anything to"
          + " disk. Images come from registries (docker://...), pulled and merged as they"
          + " download, or from disk.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  oci2squashfs convert --image examples/demo-image --output demo.squashfs",
      "  oci2squashfs convert -i docker://debian:12 -o debian.squashfs",
      "  oci2squashfs convert -i docker-archive:app.tar -o app.squashfs --json > summary.json",
      "  oci2squashfs info examples/demo-image",
      "  oci2squashfs verify --squashfs demo.squashfs --image examples/demo-image",
      "  source <(oci2squashfs generate-completion)      # tab completion in bash or zsh",
      "",
      "Run 'oci2squashfs help COMMAND' (or COMMAND --help) for a command's options and examples;"
          + " 'man oci2squashfs-COMMAND' where the man pages are installed."
    })
public final class Main implements Callable<Integer> {
  @CommandLine.Mixin(name = ErrorOptions.MIXIN)
  ErrorOptions errors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Without a command: the usage, as a usage error. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("oci2squashfs: name a command, e.g. 'convert'");
    spec.commandLine().usage(err);
    return ExitCodes.USAGE;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; prints to stdout and stderr. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output and error writers; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    CommandLine.IParameterExceptionHandler usage =
        (e, a) -> {
          PrintWriter w = e.getCommandLine().getErr();
          w.println("oci2squashfs: " + e.getMessage());
          w.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return ExitCodes.USAGE;
        };
    cl.setParameterExceptionHandler(usage);
    cl.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          if (e instanceof CommandLine.ParameterException) {
            return usage.handleParseException(
                (CommandLine.ParameterException) e, args); // checked while running
          }
          PrintWriter w = c.getErr();
          if (OnSignal
              .stopping()) { // the shutdown hook is cleaning up; what failed meanwhile is its doing
            w.println("oci2squashfs: stopped by a signal; no output was left");
            w.flush();
            return ExitCodes.FAILED;
          }
          w.println("oci2squashfs: error: " + message(e));
          if (e instanceof ToolException && ((ToolException) e).hint() != null) {
            w.println("hint: " + ((ToolException) e).hint());
          }
          Object errors =
              c.getCommandSpec().mixins().containsKey(ErrorOptions.MIXIN)
                  ? c.getCommandSpec().mixins().get(ErrorOptions.MIXIN).userObject()
                  : null;
          if (errors instanceof ErrorOptions && ((ErrorOptions) errors).stacktrace) {
            e.printStackTrace(w);
          } else if (!(e instanceof java.io.IOException)
              && !(e instanceof IllegalArgumentException)) {
            w.println(
                "(this looks like a bug in oci2squashfs; run again with --stacktrace and report"
                    + " it)");
          }
          w.flush();
          return ExitCodes.FAILED;
        });
    return cl.execute(args);
  }

  /** The command line with every command, not yet given writers or handlers. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand(new AutoComplete.GenerateCompletion());
    return cl;
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    if (e instanceof java.nio.file.NoSuchFileException && !m.contains(":")) {
      m = m + ": no such file or directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException && !m.contains(":")) {
      m = m + ": permission denied";
    }
    return m;
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"oci2squashfs " + (v == null ? "(development build)" : v)};
    }
  }
}
