# fish completion for psplot
# Generated from psplot's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c psplot -l strict -d 'stop at the first bad line'
complete -c psplot -s h -l help -d 'print this help and exit'
complete -c psplot -l version -d 'print the version and exit'
