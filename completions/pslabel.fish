# fish completion for pslabel
# Generated from pslabel's option table by CompletionRenderer: do not edit.
# Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs

complete -c pslabel -s n -l name -x -d 'the field to add (default label)'
complete -c pslabel -s r -l rules -r -F -d 'read rules from RULES_FILE (re-read when it changes)'
complete -c pslabel -s e -l rule -x -d 'one rule: LABEL QUERY'
complete -c pslabel -l strict -d 'stop at the first bad line'
complete -c pslabel -s h -l help -d 'print this help and exit'
complete -c pslabel -l version -d 'print the version and exit'
