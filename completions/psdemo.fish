# fish completion for psdemo
# Generated from psdemo's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

# Completes the item after the last comma of a list; an item may start with '+' or '-'.
function __fish_psdemo_list
    # The value under the cursor, without an --opt= or -o glued before it (fish calls
    # this for '-o -x' only when '-x' is glued like that).
    set -l value (string replace -r -- '^(--[^=]*=|-[^-])' '' (commandline -ct))
    set -l item (string replace -r -- '^.*,' '' "$value")
    set -l head (string replace -r -- '[^,]*$' '' "$value")
    string match -qr -- '^[+-]' "$item"; and set head "$head"(string sub -l 1 -- "$item")
    printf '%s\n' "$head"$argv
end

complete -c psdemo -s i -l interval -x -d 'take a snapshot every SECONDS (fractional allowed)'
complete -c psdemo -s f -l files -x -a '(__fish_psdemo_list stat status io fd cmdline smaps net cgroup argv)' -d 'read these /proc files: \'stat,cmdline\', or \'+smaps,+net\' for the defaults and more'
complete -c psdemo -s o -l output -r -F -d 'write to FILE instead of stdout'
complete -c psdemo -l proc-root -x -a '(__fish_complete_directories)' -d 'read another procfs tree (default /proc)'
complete -c psdemo -s s -l sort -x -a 'pid start comm' -d 'order siblings by KEY'
complete -c psdemo -s T -l threads -d 'one record per thread, not per process'
complete -c psdemo -l strict -d 'stop at the first bad line (a \\ or a ` must not break the page)'
complete -c psdemo -s h -l help -d 'print this help and exit'
complete -c psdemo -l version -d 'print the version and exit'
