// gridctl(1). The commands, options and examples come from the definitions; what the definitions
// do not hold (exit codes, environment, files) is written here, in the README's words.

#include "man.hpp"

#include <ostream>

#include "examples.hpp"

namespace gridctl {

namespace {

/// Text as roff reads it: backslashes and hyphens escaped, no line starting a request.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
  return out;
}

/// `--level L` as a .TP tag: names bold, the value italic.
std::string option_tag(const OptionInfo& o) {
  std::string tag;
  if (o.positional) return "\\fI" + roff(o.value) + "\\fR";
  for (const auto& n : o.names) tag += (tag.empty() ? "" : ", ") + ("\\fB" + roff(n) + "\\fR");
  if (!o.value.empty()) {
    std::string value = o.value;
    if (!o.choices.empty()) {  // `--color auto|always|never`, as the README writes it
      value.clear();
      for (const auto& c : o.choices) value += (value.empty() ? "" : "|") + c;
    }
    tag += " \\fI" + roff(value) + "\\fR";
  }
  return tag;
}

void options(std::ostream& out, const std::vector<OptionInfo>& list) {
  for (const auto& o : list) {
    if (!o.positional && (o.names.back() == "--help" || o.names.back() == "--version")) continue;
    std::string help = o.help;
    if (o.required && !o.positional) help += " (required)";
    out << ".TP\n" << option_tag(o) << '\n' << roff(help) << '\n';
  }
}

void examples(std::ostream& out, const std::string& path) {
  const Examples* e = examples_for(path);
  if (!e) return;
  out << ".PP\nExamples:\n.RS\n.nf\n";
  for (auto line : e->lines) out << roff(std::string(line)) << '\n';
  out << ".fi\n.RE\n";
}

std::string synopsis(const CommandInfo& c) {
  std::string s = "\\fBgridctl " + roff(c.path) + "\\fR";
  if (!c.subcommands.empty()) s += c.needs_subcommand ? " \\fICOMMAND\\fR" : " [\\fICOMMAND\\fR]";
  for (const auto& o : c.options) {
    if (!o.positional) continue;
    const std::string v = "\\fI" + roff(o.value) + "\\fR";
    s += o.required ? " " + v : " [" + v + "]";
  }
  bool any_option = false;
  for (const auto& o : c.options) any_option = any_option || !o.positional;
  if (any_option) s += " [\\fIOPTIONS\\fR]";
  return s;
}

}  // namespace

void write_man(std::ostream& out, const std::vector<CommandInfo>& commands,
               const std::string& version) {
  const CommandInfo& root = commands.front();
  out << ".\\\" gridctl(1). Generated from gridctl's command definitions by `gridctl man`; do "
         "not edit.\n"
      << ".TH GRIDCTL 1 \"\" \"gridctl " << roff(version) << "\" \"User Commands\"\n"
      << ".SH NAME\ngridctl \\- grid\\-based social governance (网格化社会治理) from the shell\n"
      << ".SH SYNOPSIS\n\\fBgridctl\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR "
         "[\\fIARGUMENTS\\fR]\n"
      << ".SH DESCRIPTION\n"
      << "A county is a tree of units: county, towns (镇街), zones (片区), villages (村居) "
         "and grids (网格). gridctl keeps the tree, its workers, the policy and the cases in one "
         "SQLite database, moves cases through the closed loop by the policy's rules, and "
         "answers statistics. Data goes to standard output, messages to standard error. The "
         "standard input is named \\fB\\-\\fR where a file is expected.\n"
      << ".SH GLOBAL OPTIONS\nThey may stand before or after the command.\n";
  options(out, root.options);
  out << ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nThe help of gridctl, or of the command it "
         "follows.\n.TP\n\\fB\\-\\-version\\fR\nThe version of gridctl and of the schemas it "
         "writes, of an SQLite file and of a PostgreSQL database.\n";
  examples(out, "");
  out << ".SH COMMANDS\n";
  for (const auto& c : commands) {
    if (c.path.empty()) continue;
    // A heading names the command as typed: its hyphens stay hyphens (`check-seal`).
    out << ".SS \"gridctl " << c.path << "\"\n"
        << synopsis(c) << "\n.br\n"
        << roff(c.help) << ".\n";
    if (!c.subcommands.empty()) {
      std::string subs;
      for (const auto& s : c.subcommands) subs += (subs.empty() ? "" : ", ") + roff(s);
      out << "Commands: " << subs << ".\n";
    }
    options(out, c.options);
    examples(out, c.path);
  }
  out << R"(.SH EXIT STATUS
.TP
.B 0
ok
.TP
.B 1
internal error (a bug: please report it)
.TP
.B 2
usage: unknown command or flag, bad flag value, no command given (the help is printed)
.TP
.B 3
input rejected: nothing was written
.TP
.B 4
not found: unknown unit or worker, missing database or input file
.TP
.B 5
refused by a rule or by authorisation
.TP
.B 6
database busy: another writer held it for more than 5 s; retry
.TP
.B 7
database unusable: corrupt, not a gridgov database, unwritable, made by a newer gridctl, or the disk is full
.TP
.B 8
audit found tampering: the chain, a case row, an events file or a seal disagrees (audit verify, audit check\-seal)
.SH ENVIRONMENT
.TP
.B GRIDCTL_DB
The database when \fB\-\-db\fR is not given.
.TP
.B GRIDCTL_COUNTY
The county to work on when \fB\-\-county\fR is not given, where the database holds several.
.TP
.B GRIDCTL_ACTOR
Who acts (a worker code or \fBadmin\fR) when a command that changes a case has no \fB\-\-as\fR.
.TP
.B NO_COLOR
When set and not empty, tables are not coloured under \fB\-\-color auto\fR.
.SH FILES
.TP
.I ./gridgov.db
The database when neither \fB\-\-db\fR nor \fBGRIDCTL_DB\fR names one (an SQLite file, with
\fI\-wal\fR and \fI\-shm\fR beside it while in use).
.SH SEE ALSO
.BR sqlite3 (1).
The README of gridgov is the full manual: every command, flag, file format, field and exit code.
)";
}

}  // namespace gridctl
