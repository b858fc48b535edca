# fish completion for psagg
# Generated from psagg's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c psagg -s g -l group-by -x -a 'host comm state tty uid user cgroup cmdline argv' -d 'one row per snapshot per distinct value of FIELD'
complete -c psagg -l by-root -d 'one row per top-most match, summing its whole subtree'
complete -c psagg -s q -l query -x -a 'ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped' -d 'count only the records QUERY selects'
complete -c psagg -l strict -d 'stop at the first bad line'
complete -c psagg -s h -l help -d 'print this help and exit'
complete -c psagg -l version -d 'print the version and exit'
