# fish completion for psdelta
# Generated from psdelta's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c psdelta -l strict -d 'stop at the first bad line'
complete -c psdelta -s h -l help -d 'print this help and exit'
complete -c psdelta -l version -d 'print the version and exit'
