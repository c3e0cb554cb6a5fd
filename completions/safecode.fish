# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_safecode_global_optspecs
    string join \n db= config= dry-run json actor= q/quiet h/help V/version
end

function __fish_safecode_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_safecode_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_safecode_using_subcommand
    set -l cmd (__fish_safecode_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c safecode -n "__fish_safecode_needs_command" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_needs_command" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_needs_command" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_needs_command" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_needs_command" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_needs_command" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c safecode -n "__fish_safecode_needs_command" -s V -l version -d 'Print version'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "init" -d 'Create the database, or upgrade its schema'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "user" -d 'Add, list, find, show, remove or unlock users'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "enroll" -d 'Register or replace a person\'s phone and email'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "confirm" -d 'Confirm a new contact with the code sent to it'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "unenroll" -d 'Remove one contact (refused if it is the last confirmed one)'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "skip" -d 'Record a skipped registration prompt'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "check" -d 'For login scripts: exit 0 enrolled, 10 may skip, 11 must register'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "prompt" -d 'Interactive Register / Skip dialog shown at login'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "issue" -d 'Send a reset SafeCode'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "verify" -d 'Check a reset SafeCode; opens the reset window'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "set-password" -d 'Set a new password inside the reset window'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "reset" -d 'Interactive: issue a code, take it back, set the password'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "authenticate" -d 'Read a password on stdin; exit 0 if it matches, 7 if not, 12 if it must be changed'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "import" -d 'Bulk-import users and contacts from CSV'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "export" -d 'Export users and contacts as CSV (the import format) or JSON'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "purge" -d 'Delete codes and reset windows that can no longer be used, and old audit rows'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "stats" -d 'Enrollment and code figures; --prometheus for node_exporter'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "audit" -d 'Show the audit log, newest first; --verify checks its hash chain'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "carriers" -d 'Known mobile carriers and their email-to-SMS gateways'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "backup" -d 'A consistent copy of the database while agents work, checked before it is kept'
complete -c safecode -n "__fish_safecode_needs_command" -f -a "doctor" -d 'Check the database, file permissions, configuration and delivery'
complete -c safecode -n "__fish_safecode_using_subcommand init" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand init" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand init" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand init" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand init" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand init" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand init" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -f -a "add" -d 'Add a user'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -f -a "list" -d 'List users, optionally by enrollment state'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -f -a "show" -d 'Show one user, their contacts and state'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -f -a "find" -d 'Find users by phone (typed any way), email, name or username part'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -f -a "remove" -d 'Remove a user and everything about them'
complete -c safecode -n "__fish_safecode_using_subcommand user; and not __fish_seen_subcommand_from add list show find remove unlock" -f -a "unlock" -d 'Clear the failure lock'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -l name -d 'Display name' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read an initial password from stdin (one line)'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -l state -d 'Only users in this enrollment state' -r -f -a "enrolled\t'At least one confirmed contact'
may-skip\t'Not enrolled, skips left'
must-register\t'Not enrolled, no skips left'
pending\t'A contact waits for its confirmation code (new, or replacing a confirmed one)'
locked\t'Locked after too many consecutive wrong codes (`safecode user unlock`)'"
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -l limit -d 'At most this many users [default: all; 0 also means all]' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from show" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from show" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from show" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from find" -l limit -d 'At most this many users [default: 50; 0 means all]' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from find" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from find" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from find" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from find" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from find" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from find" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from find" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from remove" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from remove" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Do not ask for confirmation'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from remove" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from remove" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from unlock" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from unlock" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from unlock" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from unlock" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from unlock" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from unlock" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand user; and __fish_seen_subcommand_from unlock" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l phone -d 'Mobile number; without +country code the configured default_region applies' -r
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l carrier -d 'Mobile carrier (see `safecode carriers`), for email-to-SMS gateways' -r -f -a "att\t''
boost\t''
consumercellular\t''
cricket\t''
googlefi\t''
metropcs\t''
mint\t''
sprint\t''
tmobile\t''
uscellular\t''
verizon\t''
visible\t''
xfinity\t''"
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l email -d 'Email address outside the institution' -r
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l confirmed -d 'The contact was verified in person: no confirmation code is sent, and it replaces a confirmed contact at once'
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand enroll" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand confirm" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand confirm" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand confirm" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand confirm" -l resend -d 'Send each contact waiting for confirmation a fresh code (the old one is voided)'
complete -c safecode -n "__fish_safecode_using_subcommand confirm" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand confirm" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand confirm" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand confirm" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -l phone -d 'Remove the phone'
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -l email -d 'Remove the email'
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand unenroll" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand skip" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand skip" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand skip" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand skip" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand skip" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand skip" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand skip" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand check" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand check" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand check" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand check" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand check" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand check" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand check" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand prompt" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand prompt" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand prompt" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand prompt" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand prompt" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand prompt" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand prompt" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand issue" -l via -d 'Channel [default: sms if a confirmed phone exists, else email]' -r -f -a "sms\t''
email\t''"
complete -c safecode -n "__fish_safecode_using_subcommand issue" -l reason -d 'Why the limit is overridden, for the audit log (e.g. a ticket number)' -r
complete -c safecode -n "__fish_safecode_using_subcommand issue" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand issue" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand issue" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand issue" -l override-limit -d 'Send although the short sending limit (3 per 15 minutes) was reached; limits of a day or longer still hold. Needs --reason'
complete -c safecode -n "__fish_safecode_using_subcommand issue" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand issue" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand issue" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand issue" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand verify" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand verify" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand verify" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand verify" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand verify" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand verify" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand verify" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -l code -d 'Verify this reset code and set the password in one step (`-` reads it from stdin\'s first line)' -r
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -l password-stdin -d 'Read the new password from stdin (one line)'
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -l generate -d 'Generate a random passphrase, print it once, and require a change at next login'
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand set-password" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand reset" -l via -d 'Channel [default: sms if a confirmed phone exists, else email]' -r -f -a "sms\t''
email\t''"
complete -c safecode -n "__fish_safecode_using_subcommand reset" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand reset" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand reset" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand reset" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand reset" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand reset" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand reset" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand authenticate" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand authenticate" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand authenticate" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand authenticate" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand authenticate" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand authenticate" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand authenticate" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand import" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand import" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand import" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand import" -l check -d 'Validate every row and report, but write nothing'
complete -c safecode -n "__fish_safecode_using_subcommand import" -l skip-invalid -d 'Write the valid rows and report the invalid ones (default: all or nothing)'
complete -c safecode -n "__fish_safecode_using_subcommand import" -l replace-contacts -d 'Allow rows to change an existing confirmed contact'
complete -c safecode -n "__fish_safecode_using_subcommand import" -l unconfirmed -d 'Imported contacts need confirmation (default: the import vouches for them)'
complete -c safecode -n "__fish_safecode_using_subcommand import" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand import" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand import" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand import" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand export" -l format -d 'Output format' -r -f -a "csv\t''
json\t''"
complete -c safecode -n "__fish_safecode_using_subcommand export" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand export" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand export" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand export" -l excel -d 'Start the CSV with a UTF-8 byte-order mark, so Excel shows accented names right'
complete -c safecode -n "__fish_safecode_using_subcommand export" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand export" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand export" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand export" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand purge" -l older-than -d 'Only what closed at least this long ago (e.g. 1h, 7d) [default: 0]' -r
complete -c safecode -n "__fish_safecode_using_subcommand purge" -l audit-older-than -d 'Also delete audit rows older than this (e.g. 400d)' -r
complete -c safecode -n "__fish_safecode_using_subcommand purge" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand purge" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand purge" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand purge" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand purge" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand purge" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand purge" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand stats" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand stats" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand stats" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand stats" -l prometheus -d 'Text exposition format for node_exporter\'s textfile collector'
complete -c safecode -n "__fish_safecode_using_subcommand stats" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand stats" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand stats" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand stats" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand audit" -l since -d 'Only rows newer than this (e.g. 24h, 30d)' -r
complete -c safecode -n "__fish_safecode_using_subcommand audit" -l limit -d 'At most this many rows [default: 50; 0 means all]' -r
complete -c safecode -n "__fish_safecode_using_subcommand audit" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand audit" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand audit" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand audit" -l verify -d 'Walk the hash chain; exit 1 naming the first row that does not match'
complete -c safecode -n "__fish_safecode_using_subcommand audit" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand audit" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand audit" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand audit" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand carriers" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand carriers" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand carriers" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand carriers" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand carriers" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand carriers" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand carriers" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand backup" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand backup" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand backup" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand backup" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand backup" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand backup" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand backup" -s h -l help -d 'Print help'
complete -c safecode -n "__fish_safecode_using_subcommand doctor" -l db -d 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand doctor" -l config -d 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]' -r -F
complete -c safecode -n "__fish_safecode_using_subcommand doctor" -l actor -d 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user' -r
complete -c safecode -n "__fish_safecode_using_subcommand doctor" -l dry-run -d 'Print messages instead of sending them (admin only: a printed code is a real code)'
complete -c safecode -n "__fish_safecode_using_subcommand doctor" -l json -d 'Print one JSON document on stdout'
complete -c safecode -n "__fish_safecode_using_subcommand doctor" -s q -l quiet -d 'Print errors only'
complete -c safecode -n "__fish_safecode_using_subcommand doctor" -s h -l help -d 'Print help'
