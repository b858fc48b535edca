# fish completion for pstools
# Generated from pstools's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c pstools -f -a 'pssnap psfilter psdelta psagg pscsv pstsv psplot pstrend psexport pslabel pssql psview'
complete -c pstools -l install -x -a '(__fish_complete_directories)' -d 'install the tools, man pages and completions under PREFIX'
complete -c pstools -l list -d 'list the tools, one a line'
complete -c pstools -s h -l help -d 'print this help and exit'
complete -c pstools -l version -d 'print the version and exit'
