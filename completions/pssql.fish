# fish completion for pssql
# Generated from pssql's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c pssql -l strict -d 'stop at the first bad line'
complete -c pssql -s h -l help -d 'print this help and exit'
complete -c pssql -l version -d 'print the version and exit'
