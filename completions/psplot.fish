# fish completion for psplot
# Generated from psplot's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

# Completes the item after the last comma of a list; an item may start with '+' or '-'.
function __fish_psplot_list
    # The value under the cursor, without an --opt= or -o glued before it (fish calls
    # this for '-o -x' only when '-x' is glued like that).
    set -l value (string replace -r -- '^(--[^=]*=|-[^-])' '' (commandline -ct))
    set -l item (string replace -r -- '^.*,' '' "$value")
    set -l head (string replace -r -- '[^,]*$' '' "$value")
    string match -qr -- '^[+-]' "$item"; and set head "$head"(string sub -l 1 -- "$item")
    printf '%s\n' "$head"$argv
end

complete -c psplot -s y -l fields -x -a '(__fish_psplot_list ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped)' -d 'one panel per field (default: cpu,rss, or rss without cpu)'
complete -c psplot -s s -l series -x -a '(__fish_psplot_list ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped)' -d 'one line per distinct value of these fields'
complete -c psplot -l top -x -d 'draw the N highest series per panel, sum the rest as \'other\' (default 10; 0: all)'
complete -c psplot -s w -l moving-average-window -x -d 'centred moving average over N samples'
complete -c psplot -s e -l rdp-epsilon -x -d 'Ramer-Douglas-Peucker simplification, tolerance in pixels'
complete -c psplot -l after -x -d 'only samples at or after TIME (epoch seconds or ISO 8601)'
complete -c psplot -l before -x -d 'only samples at or before TIME'
complete -c psplot -l relative -d 'time axis as time since the first sample'
complete -c psplot -l log -d 'logarithmic value axes'
complete -c psplot -l title -x -d 'a title above the chart'
complete -c psplot -l width -x -d 'SVG width (default 1000)'
complete -c psplot -l height -x -d 'SVG height (default 90 + 250 per panel)'
complete -c psplot -s o -l output -r -F -d 'write the chart to FILE instead of standard output'
complete -c psplot -s t -l term -d 'draw the chart in the terminal'
complete -c psplot -l size -x -d 'terminal chart size, as 100x30'
complete -c psplot -l live -d 'redraw in the terminal after every snapshot (implies -t)'
complete -c psplot -l strict -d 'stop at the first bad line'
complete -c psplot -s h -l help -d 'print this help and exit'
complete -c psplot -l version -d 'print the version and exit'
