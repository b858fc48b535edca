/// bash, zsh and fish completions from a tool's option table: completions/TOOL.bash,
/// completions/_TOOL and completions/TOOL.fish are generated from this, and a test fails when
/// the committed files are stale.
///
/// Every option is offered in its short and long form; an option's value and the operands are
/// completed by their `CompletionKind`. A `.listOf` value is completed item by item after the
/// last comma, keeping a '+' before the item (`pssnap -f +smaps,+net`). Words in `.oneOf` and
/// `.listOf` are expected to be plain words (no blanks or quotes).
public enum CompletionRenderer {
    // MARK: bash

    public static func bash(_ spec: ToolSpec) -> String {
        let function = "_" + identifier(spec.name)
        let optionWords = spec.options.flatMap { option in
            (option.short.map { ["-" + String($0)] } ?? []) + ["--" + option.long]
        }
        var out = header(spec, shell: "bash")
        out += """

            # Sets kind and words for an option that takes a value; fails for any other word.
            \(function)_option_value() {
                case $1 in

            """
        for option in spec.options where option.takesValue {
            let names = (option.short.map { ["-" + String($0)] } ?? []) + ["--" + option.long]
            out += "        " + names.joined(separator: "|") + ") " + bashAssignment(option.completion) + " ;;\n"
        }
        out += """
                    *) return 1 ;;
                esac
            }

            \(function)() {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
                local kind= words= prefix= value=${COMP_WORDS[COMP_CWORD]} i
                COMPREPLY=()

                # Where the word stands: after '--' (at which word), or which operand it is.
                local operands=0 dashes=0 w
                for (( i = 1; i < COMP_CWORD; i++ )); do
                    w=${COMP_WORDS[i]}
                    if (( dashes )); then (( dashes++ )); continue; fi
                    case $w in
                        --) dashes=1 ;;
                        -|[!-]*) (( operands++ )) ;;
                        --*=*|-[!-]?*) ;;
                        *) \(function)_option_value "$w" && (( i++ )) ;;
                    esac
                done
                kind= words=
                if (( dashes )); then
                    # After '--' every word is an operand\(spec.afterDoubleDashCompletion == .command ? " (the first one a command)" : "").
                    \(bashAfterDoubleDash(spec))
                elif [[ $cur == = ]] && \(function)_option_value "$prev"; then
                    # --opt= split at '=' (COMP_WORDBREAKS): readline replaces only what follows it.
                    value=
                elif [[ $prev == = ]] && (( COMP_CWORD > 1 )) && \(function)_option_value "${COMP_WORDS[COMP_CWORD-2]}"; then
                    : # --opt=val split at '='
                elif \(function)_option_value "$prev"; then
                    : # -o value, --opt value: as for getopt, the next word is the value, even '-x'
                elif [[ $cur == --*=* ]] && \(function)_option_value "${cur%%=*}"; then
                    # --opt=value as one word (COMP_WORDBREAKS without '=')
                    prefix=${cur%%=*}= value=${cur#*=}
                elif [[ $cur == -[!-]?* ]] && \(function)_option_value "${cur:0:2}"; then
                    # -ovalue
                    prefix=${cur:0:2} value=${cur:2}
                elif [[ $cur == -* ]]; then
                    mapfile -t COMPREPLY < <(compgen -W \(shellQuote(optionWords.joined(separator: " "))) -- "$cur")
                    return
                elif (( operands == 0 )); then
                    \(bashAssignment(spec.firstOperandCompletion ?? spec.operandCompletion))
                else
                    \(bashAssignment(spec.operandCompletion))
                fi

                case $kind in
                    command)
                        mapfile -t COMPREPLY < <(compgen -c -- "$value") ;;
                    query)
                        compopt -o nospace 2>/dev/null
                        mapfile -t COMPREPLY < <(compgen -W "$words" -P "$prefix" -- "$value") ;;
                    file)
                        compopt -o filenames 2>/dev/null
                        mapfile -t COMPREPLY < <(compgen -f -P "$prefix" -- "$value") ;;
                    directory)
                        compopt -o filenames 2>/dev/null
                        mapfile -t COMPREPLY < <(compgen -d -P "$prefix" -- "$value") ;;
                    words)
                        mapfile -t COMPREPLY < <(compgen -W "$words" -P "$prefix" -- "$value") ;;
                    list)
                        # Complete the item after the last comma; keep what precedes it and a '+' or '-'.
                        local item=${value##*,}
                        prefix+=${value%"$item"}
                        if [[ $item == [+-]* ]]; then prefix+=${item:0:1} item=${item:1}; fi
                        compopt -o nospace 2>/dev/null
                        mapfile -t COMPREPLY < <(compgen -W "$words" -P "$prefix" -- "$item") ;;
                esac
            }

            complete -F \(function) \(spec.name)

            """
        return out
    }

    static func bashAfterDoubleDash(_ spec: ToolSpec) -> String {
        guard let kind = spec.afterDoubleDashCompletion else { return bashAssignment(spec.operandCompletion) }
        if kind == .command { return "if (( dashes == 1 )); then kind=command; else kind=file; fi" }
        return bashAssignment(kind)
    }

    /// Sets the bash function's `kind` and `words` for a completion kind.
    static func bashAssignment(_ completion: CompletionKind) -> String {
        switch completion {
        case .query(let words): return "kind=query words=" + shellQuote(words.joined(separator: " "))
        case .command: return "kind=command"
        case .none: return "kind=none"
        case .file: return "kind=file"
        case .directory: return "kind=directory"
        case .oneOf(let words): return "kind=words words=" + shellQuote(words.joined(separator: " "))
        case .listOf(let words): return "kind=list words=" + shellQuote(words.joined(separator: " "))
        }
    }

    // MARK: zsh

    public static func zsh(_ spec: ToolSpec) -> String {
        let function = "_" + identifier(spec.name)
        let listFunction = function + "_list"
        let usesList = (spec.options.map(\.completion) + [spec.operandCompletion]).contains {
            if case .listOf = $0 { return true } else { return false }
        }
        var out = "#compdef \(spec.name)\n" + header(spec, shell: "zsh")
        if usesList {
            out += """

                # Completes the item after the last comma of a list; an item may start with '+' or '-'.
                # Called as: \(listFunction) [compadd options from _arguments] - WORDS...
                \(listFunction)() {
                  compset -P '*,'
                  compset -P '[+-]'
                  compadd -S , -q "$@"
                }

                """
        }
        out += "\n\(function)() {\n"
        if spec.afterDoubleDashCompletion == .command {
            // pssnap -- COMMAND ARGS: from '--' on, complete a command line of its own.
            out += """
                  local dashes=${words[(i)--]}
                  if (( dashes < CURRENT )); then
                    shift $dashes words
                    (( CURRENT -= dashes ))
                    _normal
                    return
                  fi

                """
        }
        out += "  _arguments -s -S \\\n"
        for option in spec.options {
            out += "    " + zshOptionSpec(option, listFunction: listFunction) + " \\\n"
        }
        if let first = spec.firstOperandCompletion {
            let name = if case .query = first { "query" } else { "operand" }
            out += "    " + shellQuote("1:" + name + ":" + zshAction(first, listFunction: listFunction)) + " \\\n"
        }
        let operand = zshAction(spec.operandCompletion, listFunction: listFunction)
        out += "    " + shellQuote("*:operand:" + operand) + "\n}\n"
        // Autoloaded from $fpath the file is _TOOL's body; sourced, it registers itself.
        out += """

            if [[ $funcstack[1] == \(function) ]]; then
              \(function) "$@"
            else
              compdef \(function) \(spec.name)
            fi

            """
        return out
    }

    /// `'(-i --interval)'{-i+,--interval=}'[help]:seconds: '`.
    static func zshOptionSpec(_ option: OptionSpec, listFunction: String) -> String {
        let long = "--" + option.long
        let short = option.short.map { "-" + String($0) }
        // -o+ and --opt= take the value in the same word or the next one.
        let longForm = long + (option.takesValue ? "=" : "")
        let shortForm = short.map { $0 + (option.takesValue ? "+" : "") }
        var tail = "[" + zshEscape(option.help, special: "[]\\") + "]"
        if let value = option.value {
            tail += ":" + zshEscape(value.lowercased(), special: ":\\") + ":"
                + zshAction(option.completion, listFunction: listFunction)
        }
        // --help and --version make sense alone; any other option is offered once, in either form.
        let isAlone = option.long == OptionSpec.help.long || option.long == OptionSpec.version.long
        var exclusions = ([short].compactMap { $0 } + [long]).joined(separator: " ")
        if isAlone { exclusions = "- *" }
        let needsExclusions = isAlone || short != nil
        let prefix = needsExclusions ? "(" + exclusions + ")" : ""
        if let shortForm {
            return shellQuote(prefix) + "{" + shortForm + "," + longForm + "}" + shellQuote(tail)
        }
        return shellQuote(prefix + longForm + tail)
    }

    static func zshAction(_ completion: CompletionKind, listFunction: String) -> String {
        switch completion {
        // A lone space: show the message, offer nothing.
        case .none: return " "
        case .file: return "_files"
        case .directory: return "_files -/"
        case .oneOf(let words): return "(" + words.map { zshEscape($0, special: " ()\\:'\"") }.joined(separator: " ") + ")"
        // _arguments puts its compadd options right after the function name: '-' ends them.
        case .listOf(let words): return ([listFunction, "-"] + words).joined(separator: " ")
        case .query(let words): return "{compadd -S '' -- " + words.joined(separator: " ") + "}"
        case .command: return "_command_names"
        }
    }

    static func zshEscape(_ text: String, special: String) -> String {
        var out = ""
        for c in text {
            if special.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    // MARK: fish

    public static func fish(_ spec: ToolSpec) -> String {
        let command = "complete -c " + spec.name
        let listFunction = "__fish_" + identifier(spec.name) + "_list"
        let usesList = (spec.options.map(\.completion) + [spec.operandCompletion]).contains {
            if case .listOf = $0 { return true } else { return false }
        }
        var out = header(spec, shell: "fish")
        if usesList {
            out += """

                # Completes the item after the last comma of a list; an item may start with '+' or '-'.
                function \(listFunction)
                    # The value under the cursor, without an --opt= or -o glued before it (fish calls
                    # this for '-o -x' only when '-x' is glued like that).
                    set -l value (string replace -r -- '^(--[^=]*=|-[^-])' '' (commandline -ct))
                    set -l item (string replace -r -- '^.*,' '' "$value")
                    set -l head (string replace -r -- '[^,]*$' '' "$value")
                    string match -qr -- '^[+-]' "$item"; and set head "$head"(string sub -l 1 -- "$item")
                    printf '%s\\n' "$head"$argv
                end

                """
        }
        out += "\n"
        // Operands: fish offers files unless told otherwise.
        let beforeDashes = spec.afterDoubleDashCompletion == nil ? "" : " -n " + fishQuote("not contains -- -- (commandline -opc)")
        switch spec.operandCompletion {
        case .file: break
        case .none: out += command + beforeDashes + " -f\n"
        default: out += command + beforeDashes + " -f -a " + fishQuote(fishArguments(spec.operandCompletion, listFunction: listFunction)) + "\n"
        }
        if let first = spec.firstOperandCompletion {
            out += command + " -n " + fishQuote("__fish_is_nth_token 1; and not contains -- -- (commandline -opc)")
                + " -a " + fishQuote(fishArguments(first, listFunction: listFunction)) + "\n"
        }
        if spec.afterDoubleDashCompletion == .command {
            out += command + " -n " + fishQuote("contains -- -- (commandline -opc)") + " -x -a " + fishQuote("(__fish_complete_subcommand -- --)") + "\n"
        }
        for option in spec.options {
            var line = command
            if let short = option.short { line += " -s " + fishWord(String(short)) }
            line += " -l " + fishWord(option.long)
            if option.takesValue {
                switch option.completion {
                case .none: line += " -x"
                case .file: line += " -r -F"
                default: line += " -x -a " + fishQuote(fishArguments(option.completion, listFunction: listFunction))
                }
            }
            line += " -d " + fishQuote(option.help)
            out += line + "\n"
        }
        return out
    }

    /// The `-a` argument for kinds that list candidates.
    static func fishArguments(_ completion: CompletionKind, listFunction: String) -> String {
        switch completion {
        case .none, .file: return ""
        case .directory: return "(__fish_complete_directories)"
        case .oneOf(let words): return words.joined(separator: " ")
        case .listOf(let words): return "(" + ([listFunction] + words).joined(separator: " ") + ")"
        case .query(let words): return words.joined(separator: " ")
        case .command: return "(__fish_complete_command)"
        }
    }

    /// A bare word when it needs no quotes.
    static func fishWord(_ text: String) -> String {
        let isPlain = !text.isEmpty && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
        return isPlain ? text : fishQuote(text)
    }

    static func fishQuote(_ text: String) -> String {
        var out = "'"
        for c in text {
            if c == "'" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "'"
    }

    // MARK: shared

    static func header(_ spec: ToolSpec, shell: String) -> String {
        """
        # \(shell) completion for \(spec.name)
        # Generated from \(spec.name)'s option table by CompletionRenderer: do not edit.
        # Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

        """
    }

    /// A POSIX single-quoted word (bash and zsh).
    static func shellQuote(_ text: String) -> String {
        var out = "'"
        for c in text {
            if c == "'" { out += "'\\''" } else { out.append(c) }
        }
        return out + "'"
    }

    /// A tool name made fit for a function name.
    static func identifier(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
