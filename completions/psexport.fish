# fish completion for psexport
# Generated from psexport's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

# Completes the item after the last comma of a list; an item may start with '+' or '-'.
function __fish_psexport_list
    # The value under the cursor, without an --opt= or -o glued before it (fish calls
    # this for '-o -x' only when '-x' is glued like that).
    set -l value (string replace -r -- '^(--[^=]*=|-[^-])' '' (commandline -ct))
    set -l item (string replace -r -- '^.*,' '' "$value")
    set -l head (string replace -r -- '[^,]*$' '' "$value")
    string match -qr -- '^[+-]' "$item"; and set head "$head"(string sub -l 1 -- "$item")
    printf '%s\n' "$head"$argv
end

complete -c psexport -s F -l format -x -a 'openmetrics prometheus influx opentsdb graphite' -d 'openmetrics (default), prometheus, influx, opentsdb or graphite'
complete -c psexport -s f -l fields -x -a '(__fish_psexport_list ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped)' -d 'the fields to export: FIELD,FIELD,... (default: every numeric one)'
complete -c psexport -s l -l labels -x -a '(__fish_psexport_list ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped)' -d 'the label fields: FIELD,FIELD,... (default: pid,comm, or a psagg row\'s key)'
complete -c psexport -l host -d 'add a host label: the record\'s host field, else this machine\'s node name'
complete -c psexport -l prefix -x -d 'metric name prefix (default pstools)'
complete -c psexport -l textfile -r -F -d 'replace PATH with each snapshot, for node_exporter\'s textfile collector'
complete -c psexport -l no-timestamps -d 'write samples without timestamps (Prometheus, OpenMetrics, Influx)'
complete -c psexport -l pause -x -d 'end a snapshot when the input pauses this long (default 0.2)'
complete -c psexport -l strict -d 'stop at the first bad line'
complete -c psexport -s h -l help -d 'print this help and exit'
complete -c psexport -l version -d 'print the version and exit'
