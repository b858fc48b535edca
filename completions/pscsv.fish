# fish completion for pscsv
# Generated from pscsv's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

# Completes the item after the last comma of a list; an item may start with '+' or '-'.
function __fish_pscsv_list
    # The value under the cursor, without an --opt= or -o glued before it (fish calls
    # this for '-o -x' only when '-x' is glued like that).
    set -l value (string replace -r -- '^(--[^=]*=|-[^-])' '' (commandline -ct))
    set -l item (string replace -r -- '^.*,' '' "$value")
    set -l head (string replace -r -- '[^,]*$' '' "$value")
    string match -qr -- '^[+-]' "$item"; and set head "$head"(string sub -l 1 -- "$item")
    printf '%s\n' "$head"$argv
end

complete -c pscsv -s f -l fields -x -a '(__fish_pscsv_list ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped)' -d 'columns, in order: FIELD,FIELD,...'
complete -c pscsv -l no-header -d 'write no header line'
complete -c pscsv -s a -l append -r -F -d 'append to FILE, with a header only if FILE is empty'
complete -c pscsv -l spreadsheet -d 'make every cell safe to open in a spreadsheet'
complete -c pscsv -l strict -d 'stop at the first bad line'
complete -c pscsv -l crlf -d 'end lines with CRLF, as RFC 4180 does'
complete -c pscsv -s h -l help -d 'print this help and exit'
complete -c pscsv -l version -d 'print the version and exit'
