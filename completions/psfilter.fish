# fish completion for psfilter
# Generated from psfilter's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c psfilter -l strict -d 'stop at the first bad line'
complete -c psfilter -s h -l help -d 'print this help and exit'
complete -c psfilter -l version -d 'print the version and exit'
