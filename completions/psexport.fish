# fish completion for psexport
# Generated from psexport's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c psexport -l strict -d 'stop at the first bad line'
complete -c psexport -s h -l help -d 'print this help and exit'
complete -c psexport -l version -d 'print the version and exit'
