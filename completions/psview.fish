# fish completion for psview
# Generated from psview's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

# Completes the item after the last comma of a list; an item may start with '+' or '-'.
function __fish_psview_list
    # The value under the cursor, without an --opt= or -o glued before it (fish calls
    # this for '-o -x' only when '-x' is glued like that).
    set -l value (string replace -r -- '^(--[^=]*=|-[^-])' '' (commandline -ct))
    set -l item (string replace -r -- '^.*,' '' "$value")
    set -l head (string replace -r -- '[^,]*$' '' "$value")
    string match -qr -- '^[+-]' "$item"; and set head "$head"(string sub -l 1 -- "$item")
    printf '%s\n' "$head"$argv
end

complete -c psview -s f -l fields -x -a '(__fish_psview_list ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped)' -d 'columns, in order: FIELD,FIELD,... (+FIELD adds to the defaults)'
complete -c psview -s s -l sort -x -a '(__fish_psview_list ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped)' -d 'order siblings by FIELD (quantities biggest first; +FIELD ascending, -FIELD descending)'
complete -c psview -l sum -d 'show each process\'s subtree totals in the summed columns'
complete -c psview -l ascii -d 'draw the tree with | - \\ and cut text with ...'
complete -c psview -s w -l width -x -d 'fit lines in COLS columns (0: no limit); default: the terminal\'s width'
complete -c psview -l replay -d 'play a recording at its own pace, or SPEED times faster'
complete -c psview -l strict -d 'stop at the first bad line'
complete -c psview -s h -l help -d 'print this help and exit'
complete -c psview -l version -d 'print the version and exit'
