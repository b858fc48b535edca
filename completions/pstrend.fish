# fish completion for pstrend
# Generated from pstrend's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

# Completes the item after the last comma of a list; an item may start with '+' or '-'.
function __fish_pstrend_list
    # The value under the cursor, without an --opt= or -o glued before it (fish calls
    # this for '-o -x' only when '-x' is glued like that).
    set -l value (string replace -r -- '^(--[^=]*=|-[^-])' '' (commandline -ct))
    set -l item (string replace -r -- '^.*,' '' "$value")
    set -l head (string replace -r -- '[^,]*$' '' "$value")
    string match -qr -- '^[+-]' "$item"; and set head "$head"(string sub -l 1 -- "$item")
    printf '%s\n' "$head"$argv
end

complete -c pstrend -s y -l fields -x -a '(__fish_pstrend_list nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cpu cpu_user cpu_sys cutime_rate cstime_rate iowait_rate minflt_rate majflt_rate vctx_rate nvctx_rate rchar_rate wchar_rate syscr_rate syscw_rate read_bytes_rate write_bytes_rate cancelled_write_bytes_rate count cpus cpu_reaped)' -d 'judge these numeric fields (default: rss,pss,uss,swap,fds,threads present)'
complete -c pstrend -s s -l series -x -a '(__fish_pstrend_list host pid ppid pgid sid tid depth comm state tty uid user cgroup cmdline argv)' -d 'one series per distinct value of these fields'
complete -c pstrend -l alpha -x -d 'significance level of the trend test (default 0.01)'
complete -c pstrend -l min-growth -x -d 'least fitted growth that is a leak: 1M, 4096 or 5% (default 5%)'
complete -c pstrend -l limit -x -d 'write F_eta: seconds until the fitted line reaches AMOUNT'
complete -c pstrend -l window -x -d 'judge only the last SECONDS of each series'
complete -c pstrend -l strict -d 'stop at the first bad line'
complete -c pstrend -s h -l help -d 'print this help and exit'
complete -c pstrend -l version -d 'print the version and exit'
