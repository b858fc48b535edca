# fish completion for pssnap
# Generated from pssnap's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

# Completes the item after the last comma of a list; an item may start with '+' or '-'.
function __fish_pssnap_list
    # The value under the cursor, without an --opt= or -o glued before it (fish calls
    # this for '-o -x' only when '-x' is glued like that).
    set -l value (string replace -r -- '^(--[^=]*=|-[^-])' '' (commandline -ct))
    set -l item (string replace -r -- '^.*,' '' "$value")
    set -l head (string replace -r -- '[^,]*$' '' "$value")
    string match -qr -- '^[+-]' "$item"; and set head "$head"(string sub -l 1 -- "$item")
    printf '%s\n' "$head"$argv
end

complete -c pssnap -n 'not contains -- -- (commandline -opc)' -f
complete -c pssnap -n '__fish_is_nth_token 1; and not contains -- -- (commandline -opc)' -a 'ts host pid ppid pgid sid tid depth comm state tty uid user start age nice prio threads processor utime stime cutime cstime iowait minflt majflt vsize rss swap vctx nvctx rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes fds pss uss pss_anon pss_file pss_shmem tcp udp unix cgroup cmdline argv'
complete -c pssnap -n 'contains -- -- (commandline -opc)' -x -a '(__fish_complete_subcommand -- --)'
complete -c pssnap -s i -l interval -x -d 'take a snapshot every SECONDS (fractions allowed)'
complete -c pssnap -s n -l count -x -d 'stop after COUNT snapshots'
complete -c pssnap -s d -l duration -x -d 'stop after SECONDS, with a last snapshot exactly then'
complete -c pssnap -s f -l files -x -a '(__fish_pssnap_list stat status io fd smaps net cgroup cmdline argv)' -d 'field groups to read: stat,status,io,fd,smaps,net,cgroup,cmdline,argv'
complete -c pssnap -s T -l threads -d 'one record per thread, with its tid'
complete -c pssnap -l host -d 'add the host name to every record'
complete -c pssnap -s p -l pid -x -d 'the subtrees of these processes, until none is left'
complete -c pssnap -l stop-without-result -d 'end a QUERY run after the first snapshot it selects nothing in'
complete -c pssnap -s o -l output -r -F -d 'write the records to FILE (with -- COMMAND, stdout stays the command\'s)'
complete -c pssnap -l proc-root -x -a '(__fish_complete_directories)' -d 'read this procfs tree instead of /proc'
complete -c pssnap -s h -l help -d 'print this help and exit'
complete -c pssnap -l version -d 'print the version and exit'
