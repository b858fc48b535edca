# fish completion for pstrend
# Generated from pstrend's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c pstrend -l strict -d 'stop at the first bad line'
complete -c pstrend -s h -l help -d 'print this help and exit'
complete -c pstrend -l version -d 'print the version and exit'
