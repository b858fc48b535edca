# fish completion for pslabel
# Generated from pslabel's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c pslabel -l strict -d 'stop at the first bad line'
complete -c pslabel -s h -l help -d 'print this help and exit'
complete -c pslabel -l version -d 'print the version and exit'
