# bash completion for psplot
# Generated from psplot's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

# Sets kind and words for an option that takes a value; fails for any other word.
_psplot_option_value() {
    case $1 in
        -y|--fields) kind=list words='ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped' ;;
        -s|--series) kind=list words='ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped' ;;
        --top) kind=none ;;
        -w|--moving-average-window) kind=none ;;
        -e|--rdp-epsilon) kind=none ;;
        --after) kind=none ;;
        --before) kind=none ;;
        --title) kind=none ;;
        --width) kind=none ;;
        --height) kind=none ;;
        -o|--output) kind=file ;;
        --size) kind=none ;;
        *) return 1 ;;
    esac
}

_psplot() {
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
            *) _psplot_option_value "$w" && (( i++ )) ;;
        esac
    done
    kind= words=
    if (( dashes )); then
        # After '--' every word is an operand.
        kind=file
    elif [[ $cur == = ]] && _psplot_option_value "$prev"; then
        # --opt= split at '=' (COMP_WORDBREAKS): readline replaces only what follows it.
        value=
    elif [[ $prev == = ]] && (( COMP_CWORD > 1 )) && _psplot_option_value "${COMP_WORDS[COMP_CWORD-2]}"; then
        : # --opt=val split at '='
    elif _psplot_option_value "$prev"; then
        : # -o value, --opt value: as for getopt, the next word is the value, even '-x'
    elif [[ $cur == --*=* ]] && _psplot_option_value "${cur%%=*}"; then
        # --opt=value as one word (COMP_WORDBREAKS without '=')
        prefix=${cur%%=*}= value=${cur#*=}
    elif [[ $cur == -[!-]?* ]] && _psplot_option_value "${cur:0:2}"; then
        # -ovalue
        prefix=${cur:0:2} value=${cur:2}
    elif [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W '-y --fields -s --series --top -w --moving-average-window -e --rdp-epsilon --after --before --relative --log --title --width --height -o --output -t --term --size --live --strict -h --help --version' -- "$cur")
        return
    elif (( operands == 0 )); then
        kind=file
    else
        kind=file
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

complete -F _psplot psplot
