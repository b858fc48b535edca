# fish completion for psview
# Generated from psview's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c psview -l strict -d 'stop at the first bad line'
complete -c psview -s h -l help -d 'print this help and exit'
complete -c psview -l version -d 'print the version and exit'
