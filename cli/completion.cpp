// The shell completions: each walks describe()'s commands once, so a command or
// option added to gridctl appears in all of them at the next build.

#include "completion.hpp"

#include <ostream>

#include "examples.hpp"

namespace gridctl {

namespace {

/// 'text' for sh, bash and zsh.
std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// 'text' for fish, whose single quotes escape only \ and '.
std::string fish_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string join(const std::vector<std::string>& words, const char* separator = " ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : separator) + w;
  return out;
}

/// What an option's value completes to: its choices, a file name, or anything.
std::string value_of(const OptionInfo& o) {
  if (!o.choices.empty()) return join(o.choices);
  if (o.value.find("PATH") != std::string::npos || o.value.find("FILE") != std::string::npos)
    return "@file";
  return "@any";
}

bool takes_files(const CommandInfo& c) {
  for (const auto& o : c.options)
    if (o.positional && o.file) return true;
  return false;
}

/// The options of gridctl itself: they may follow any command.
const std::vector<OptionInfo>& globals(const std::vector<CommandInfo>& commands) {
  return commands.front().options;
}

bool has_name(const CommandInfo& c, const std::string& name) {
  for (const auto& o : c.options)
    for (const auto& n : o.names)
      if (!o.positional && n == name) return true;
  return false;
}

/// The words offered after a command: its subcommands, its positionals' choices, its options,
/// then the global options it does not shadow.
std::vector<std::string> words_of(const CommandInfo& c, const std::vector<CommandInfo>& commands) {
  std::vector<std::string> out = c.subcommands;
  for (const auto& o : c.options) {
    if (o.positional)
      out.insert(out.end(), o.choices.begin(), o.choices.end());
    else
      out.insert(out.end(), o.names.begin(), o.names.end());
  }
  if (!c.path.empty())
    for (const auto& o : globals(commands))
      for (const auto& n : o.names)
        if (!has_name(c, n) && n != "--version") out.push_back(n);
  return out;
}

/// The shell functions bash and zsh share: which words are commands, which options take a
/// value (and which values), which commands take file names.
void write_sh_tables(std::ostream& out, const std::vector<CommandInfo>& commands) {
  std::vector<std::string> paths;
  std::vector<std::string> file_paths;
  for (const auto& c : commands) {
    if (!c.path.empty()) paths.push_back(sh_quote(c.path));
    if (takes_files(c)) file_paths.push_back(sh_quote(c.path));
  }
  out << "_gridctl_is_command() {\n  case $1 in\n    " << join(paths, "|")
      << ") return 0 ;;\n  esac\n  return 1\n}\n\n";
  out << "_gridctl_takes_files() {\n  case $1 in\n    "
      << (file_paths.empty() ? "'@none'" : join(file_paths, "|"))
      << ") return 0 ;;\n  esac\n  return 1\n}\n\n";
  out << "# What option $2 takes after the command $1: its values, @file (a file name), @any\n"
         "# (free text); empty for a flag or a word that is no option.\n"
         "_gridctl_value() {\n  case $1/$2 in\n";
  for (const auto& c : commands) {
    if (c.path.empty()) continue;
    for (const auto& o : c.options) {
      if (o.positional || o.value.empty()) continue;
      for (const auto& n : o.names)
        out << "    " << sh_quote(c.path + "/" + n) << ") REPLY=" << sh_quote(value_of(o))
            << " ;;\n";
    }
  }
  for (const auto& o : globals(commands)) {
    if (o.value.empty()) continue;
    for (const auto& n : o.names)
      out << "    */" << sh_quote(n) << ") REPLY=" << sh_quote(value_of(o)) << " ;;\n";
  }
  out << "    *) REPLY='' ;;\n  esac\n}\n\n";
}

void write_bash(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "# bash completion for gridctl. Generated from gridctl's command definitions by\n"
         "# `gridctl completion bash`; do not edit.\n\n";
  write_sh_tables(out, commands);
  out << "# The commands and options offered after the command $1.\n"
         "_gridctl_words() {\n  case $1 in\n";
  for (const auto& c : commands)
    out << "    " << sh_quote(c.path) << ") REPLY=" << sh_quote(join(words_of(c, commands)))
        << " ;;\n";
  out << "    *) REPLY='' ;;\n  esac\n}\n\n";
  out << R"(_gridctl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd='' word i REPLY
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    _gridctl_value "$cmd" "$word"
    if [[ -n $REPLY ]]; then
      ((i++))
      continue
    fi
    if _gridctl_is_command "${cmd:+$cmd }$word"; then cmd="${cmd:+$cmd }$word"; fi
  done
  if ((COMP_CWORD > 1)); then
    _gridctl_value "$cmd" "$prev"
    case $REPLY in
      '') ;;
      @file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
      @any) return ;;
      *) COMPREPLY=($(compgen -W "$REPLY" -- "$cur")); return ;;
    esac
  fi
  _gridctl_words "$cmd"
  COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
  if [[ $cur != -* ]] && _gridctl_takes_files "$cmd"; then
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}

complete -F _gridctl gridctl
)";
}

/// 'name:help' for zsh's _describe (a colon in the name is escaped).
std::string described(const std::string& name, const std::string& help) {
  std::string n;
  for (char ch : name) n += ch == ':' ? std::string("\\:") : std::string(1, ch);
  return sh_quote(n + ":" + help);
}

void write_zsh(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "#compdef gridctl\n"
         "# zsh completion for gridctl. Generated from gridctl's command definitions by\n"
         "# `gridctl completion zsh`; do not edit.\n\n";
  write_sh_tables(out, commands);
  out << "# The commands (name:help) and options offered after the command $1, in the arrays\n"
         "# gridctl_commands and gridctl_options.\n"
         "_gridctl_describe() {\n  case $1 in\n";
  for (const auto& c : commands) {
    out << "    " << sh_quote(c.path) << ")\n      gridctl_commands=(";
    for (std::size_t i = 0; i < c.subcommands.size(); ++i)
      out << (i ? " " : "") << described(c.subcommands[i], c.subcommand_help[i]);
    for (const auto& o : c.options)
      if (o.positional)
        for (const auto& v : o.choices) out << ' ' << described(v, o.help);
    out << ")\n      gridctl_options=(";
    bool first = true;
    auto option = [&](const OptionInfo& o) {
      for (const auto& n : o.names) {
        out << (first ? "" : " ") << described(n, o.help);
        first = false;
      }
    };
    for (const auto& o : c.options)
      if (!o.positional) option(o);
    if (!c.path.empty())
      for (const auto& o : globals(commands))
        if (!has_name(c, o.names.back()) && o.names.back() != "--version") option(o);
    out << ") ;;\n";
  }
  out << "  esac\n}\n\n";
  out << R"(_gridctl_complete() {
  # Not `commands` and `options`: zsh's own (special) parameters.
  local cmd='' word i REPLY ret=1
  local -a gridctl_commands gridctl_options
  for ((i = 2; i < CURRENT; i++)); do
    word=${words[i]}
    _gridctl_value "$cmd" "$word"
    if [[ -n $REPLY ]]; then
      ((i++))
      continue
    fi
    if _gridctl_is_command "${cmd:+$cmd }$word"; then cmd="${cmd:+$cmd }$word"; fi
  done
  if ((CURRENT > 2)); then
    _gridctl_value "$cmd" "${words[CURRENT-1]}"
    case $REPLY in
      '') ;;
      @file) _files; return ;;
      @any) _message 'a value'; return ;;
      *) compadd -- ${=REPLY}; return ;;
    esac
  fi
  _gridctl_describe "$cmd"
  if ((${#gridctl_commands})); then
    _describe -t commands 'gridctl command' gridctl_commands && ret=0
  fi
  if [[ $PREFIX == -* ]] || ! ((${#gridctl_commands})); then
    _describe -t options 'option' gridctl_options && ret=0
  fi
  if [[ $PREFIX != -* ]] && _gridctl_takes_files "$cmd"; then _files && ret=0; fi
  return ret
}

_gridctl_complete "$@"
)";
}

void write_fish(std::ostream& out, const std::vector<CommandInfo>& commands) {
  out << "# fish completion for gridctl. Generated from gridctl's command definitions by\n"
         "# `gridctl completion fish`; do not edit.\n\n";
  std::vector<std::string> paths;
  for (const auto& c : commands)
    if (!c.path.empty()) paths.push_back(fish_quote(c.path));
  out << "function __gridctl_is_command\n    contains -- $argv[1] " << join(paths) << "\nend\n\n";
  out << R"(# The command typed so far ("units list"; empty for none).
function __gridctl_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmd ''
    for word in $tokens
        set -l next (string trim -- "$cmd $word")
        if __gridctl_is_command "$next"
            set cmd $next
        end
    end
    echo $cmd
end

function __gridctl_at
    set -l cmd (__gridctl_command)
    test "$cmd" = "$argv[1]"
end

complete -c gridctl -f
)";
  auto option = [&](const OptionInfo& o, const std::string& condition) {
    out << "complete -c gridctl";
    if (!condition.empty()) out << " -n " << fish_quote(condition);
    for (const auto& n : o.names) {
      if (n.rfind("--", 0) == 0)
        out << " -l " << n.substr(2);
      else
        out << " -s " << n.substr(1);
    }
    if (!o.value.empty()) {
      const std::string v = value_of(o);
      if (v == "@file")
        out << " -r -F";
      else if (v == "@any")
        out << " -x";
      else
        out << " -x -a " << fish_quote(v);
    }
    out << " -d " << fish_quote(o.help) << '\n';
  };
  for (const auto& c : commands) {
    const std::string at = "__gridctl_at " + fish_quote(c.path);
    out << "\n# gridctl" << (c.path.empty() ? "" : " " + c.path) << '\n';
    for (std::size_t i = 0; i < c.subcommands.size(); ++i)
      out << "complete -c gridctl -n " << fish_quote(at) << " -a " << fish_quote(c.subcommands[i])
          << " -d " << fish_quote(c.subcommand_help[i]) << '\n';
    for (const auto& o : c.options) {
      if (o.positional) {
        if (!o.choices.empty())
          out << "complete -c gridctl -n " << fish_quote(at) << " -a "
              << fish_quote(join(o.choices)) << " -d " << fish_quote(o.help) << '\n';
        else if (o.file)
          out << "complete -c gridctl -n " << fish_quote(at) << " -F\n";
        continue;
      }
      // gridctl's own options apply after every command.
      option(o, c.path.empty() ? "" : at);
    }
  }
}

}  // namespace

void write_completion(std::ostream& out, const std::string& shell,
                      const std::vector<CommandInfo>& commands) {
  if (shell == "bash")
    write_bash(out, commands);
  else if (shell == "zsh")
    write_zsh(out, commands);
  else
    write_fish(out, commands);
}

}  // namespace gridctl
