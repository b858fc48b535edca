# fish completion for psagg
# Generated from psagg's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c psagg -s g -l group-by -x -d 'one row per snapshot per distinct value of FIELD'
complete -c psagg -l by-root -d 'one row per top-most match, summing its whole subtree'
complete -c psagg -s q -l query -x -d 'count only the records QUERY selects'
complete -c psagg -l strict -d 'stop at the first bad line'
complete -c psagg -s h -l help -d 'print this help and exit'
complete -c psagg -l version -d 'print the version and exit'
