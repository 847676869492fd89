package io.oci2squashfs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A command's man page in troff ({@code man 7 man}), from the same picocli model as its {@code
 * --help}, so the two cannot drift apart. picocli-codegen's generator writes AsciiDoc, which would
 * need asciidoctor (JRuby) in the build to become a man page; this page needs nothing.
 */
final class ManPage {
  private ManPage() {}

  /**
   * The page of {@code spec}: the top-level command lists its subcommands, a subcommand its
   * options.
   */
  static String of(CommandSpec spec, String version) {
    String name = spec.qualifiedName("-");
    StringBuilder b = new StringBuilder();
    b.append(
        ".\\\" Generated from the picocli model by io.oci2squashfs.cli.ManPage; do not edit.\n");
    b.append(".TH ")
        .append(quoted(name.toUpperCase(Locale.ROOT)))
        .append(" 1 \"\" ")
        .append(quoted(version))
        .append(" \"User Commands\"\n");
    b.append(".SH NAME\n")
        .append(escape(name))
        .append(" \\- ")
        .append(escape(firstSentence(spec)))
        .append('\n');

    b.append(".SH SYNOPSIS\n.nf\n");
    String synopsis = spec.commandLine().getHelp().synopsis(0).stripTrailing();
    b.append(preformatted(synopsis)).append(".fi\n");

    b.append(".SH DESCRIPTION\n");
    for (String paragraph : spec.usageMessage().description()) {
      if (!paragraph.isBlank()) {
        b.append(".PP\n").append(escape(paragraph)).append('\n');
      }
    }

    List<CommandLine> commands = new ArrayList<>(spec.subcommands().values());
    commands.removeIf(c -> c.getCommandSpec().usageMessage().hidden());
    if (!commands.isEmpty()) {
      b.append(".SH COMMANDS\n");
      List<CommandSpec> seen = new ArrayList<>();
      for (CommandLine c : commands) {
        CommandSpec sub = c.getCommandSpec();
        if (seen.contains(sub)) {
          continue; // an alias
        }
        seen.add(sub);
        b.append(".TP\n.B ")
            .append(escape(sub.name()))
            .append('\n')
            .append(escape(firstSentence(sub)))
            .append('\n');
      }
    }

    if (!spec.positionalParameters().isEmpty() || !spec.options().isEmpty()) {
      b.append(".SH OPTIONS\n");
      for (PositionalParamSpec p : spec.positionalParameters()) {
        if (!p.hidden()) {
          b.append(".TP\n.I ")
              .append(escape(p.paramLabel()))
              .append('\n')
              .append(escape(unformat(String.join(" ", p.description()))))
              .append('\n');
        }
      }
      for (OptionSpec o : spec.options()) {
        if (o.hidden()) {
          continue;
        }
        b.append(".TP\n")
            .append(optionNames(o))
            .append('\n')
            .append(escape(unformat(String.join(" ", o.description()))))
            .append('\n');
      }
    }

    Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
    if (!exitCodes.isEmpty()) {
      b.append(".SH \"EXIT STATUS\"\n");
      exitCodes.forEach(
          (code, meaning) ->
              b.append(".TP\n.B ")
                  .append(escape(code.strip()))
                  .append('\n')
                  .append(escape(unformat(meaning)))
                  .append('\n'));
    }

    String[] footer = spec.usageMessage().footer();
    if (footer.length > 0) {
      // indented lines (examples, tables) keep their layout; the others are filled paragraphs
      b.append(".SH NOTES\n");
      boolean verbatim = false;
      for (String line : footer) {
        boolean indented = line.startsWith(" ");
        if (indented != verbatim) {
          b.append(indented ? ".nf\n" : ".fi\n");
          verbatim = indented;
        }
        if (indented) {
          b.append(preformatted(line));
        } else if (!line.isBlank()) {
          b.append(".PP\n").append(escape(line)).append('\n');
        }
      }
      if (verbatim) {
        b.append(".fi\n");
      }
    }

    b.append(".SH SEE ALSO\n");
    List<String> related = new ArrayList<>();
    CommandSpec root = spec.root();
    related.add(root.name());
    for (CommandLine c : root.subcommands().values()) {
      CommandSpec sub = c.getCommandSpec();
      if (!sub.usageMessage().hidden() && !sub.name().equals("help")) {
        related.add(sub.qualifiedName("-"));
      }
    }
    related.remove(name);
    List<String> refs = new ArrayList<>();
    for (String r : related.stream().distinct().toList()) {
      refs.add(".BR " + escape(r) + " (1)");
    }
    refs.add(".BR mksquashfs (1)");
    b.append(String.join(",\n", refs)).append('\n');
    return b.toString();
  }

  private static String optionNames(OptionSpec o) {
    StringBuilder b = new StringBuilder(".BR ");
    String[] names = o.names();
    for (int i = 0; i < names.length; i++) {
      b.append(i == 0 ? "" : " \", \" ").append(escape(names[i]));
    }
    if (o.arity().max() > 0) {
      b.append(" \" \" \\fI").append(escape(o.paramLabel())).append("\\fR");
    }
    return b.toString();
  }

  private static String firstSentence(CommandSpec spec) {
    String[] header = spec.usageMessage().header();
    String[] d = header.length > 0 ? header : spec.usageMessage().description();
    String text = d.length > 0 ? unformat(d[0]).strip().split("\n")[0] : spec.name();
    int dot = text.indexOf(". ");
    String s = dot > 0 ? text.substring(0, dot) : text;
    s = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /** picocli's texts are format strings: %n is a line break, %% a percent sign. */
  private static String unformat(String text) {
    return text.replace("%n", "\n").replace("%%", "%");
  }

  /**
   * A line kept as it is in a no-fill block: escaped, and protected where troff would read a
   * request.
   */
  private static String preformatted(String text) {
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      b.append(line.isEmpty() ? "" : "\\&" + escape(line)).append('\n');
    }
    return b.toString();
  }

  /**
   * Text troff prints as it is: backslashes and hyphens escaped, and no line starting with a
   * control character.
   */
  static String escape(String text) {
    String s = text.replace("\\", "\\e").replace("-", "\\-");
    StringBuilder b = new StringBuilder();
    for (String line : s.split("\n", -1)) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
    }
    return b.toString();
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\"", "") + "\"";
  }
}
