# fish completion for pssql
# Generated from pssql's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c pssql -l dialect -x -a 'sqlite postgres' -d 'sqlite (default) or postgres'
complete -c pssql -s t -l table -x -d 'the table\'s name (default record)'
complete -c pssql -l alter -d 'sqlite: also add the first record\'s columns to an older table'
complete -c pssql -l commit-every -x -d 'commit every N snapshots (default 1), for bulk loads'
complete -c pssql -l no-wal -d 'sqlite: keep the database\'s journal mode and sync setting'
complete -c pssql -l procpath -d 'Procpath\'s schema: record and meta tables in its units'
complete -c pssql -l strict -d 'stop at the first bad line'
complete -c pssql -s h -l help -d 'print this help and exit'
complete -c pssql -l version -d 'print the version and exit'
