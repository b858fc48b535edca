# fish completion for psfilter
# Generated from psfilter's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c psfilter -n '__fish_is_nth_token 1; and not contains -- -- (commandline -opc)' -a 'ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv dt cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped'
complete -c psfilter -l strict -d 'stop at the first bad line'
complete -c psfilter -s h -l help -d 'print this help and exit'
complete -c psfilter -l version -d 'print the version and exit'
