
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'safecode' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'safecode'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'safecode' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the database, or upgrade its schema')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Add, list, find, show, remove or unlock users')
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, 'Register or replace a person''s phone and email')
            [CompletionResult]::new('confirm', 'confirm', [CompletionResultType]::ParameterValue, 'Confirm a new contact with the code sent to it')
            [CompletionResult]::new('unenroll', 'unenroll', [CompletionResultType]::ParameterValue, 'Remove one contact (refused if it is the last confirmed one)')
            [CompletionResult]::new('skip', 'skip', [CompletionResultType]::ParameterValue, 'Record a skipped registration prompt')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For login scripts: exit 0 enrolled, 10 may skip, 11 must register')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'Interactive Register / Skip dialog shown at login')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Send a reset SafeCode')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a reset SafeCode; opens the reset window')
            [CompletionResult]::new('set-password', 'set-password', [CompletionResultType]::ParameterValue, 'Set a new password inside the reset window')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Interactive: issue a code, take it back, set the password')
            [CompletionResult]::new('authenticate', 'authenticate', [CompletionResultType]::ParameterValue, 'Read a password on stdin; exit 0 if it matches, 7 if not, 12 if it must be changed')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Bulk-import users and contacts from CSV')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export users and contacts as CSV (the import format) or JSON')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Delete codes and reset windows that can no longer be used, and old audit rows')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Enrollment and code figures; --prometheus for node_exporter')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Show the audit log, newest first; --verify checks its hash chain')
            [CompletionResult]::new('carriers', 'carriers', [CompletionResultType]::ParameterValue, 'Known mobile carriers and their email-to-SMS gateways')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'A consistent copy of the database while agents work, checked before it is kept')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the database, file permissions, configuration and delivery')
            break
        }
        'safecode;init' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;user' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users, optionally by enrollment state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one user, their contacts and state')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Find users by phone (typed any way), email, name or username part')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user and everything about them')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Clear the failure lock')
            break
        }
        'safecode;user;add' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read an initial password from stdin (one line)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;user;list' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only users in this enrollment state')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many users [default: all; 0 also means all]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'safecode;user;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;user;find' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many users [default: 50; 0 means all]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;user;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;user;unlock' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;enroll' {
            [CompletionResult]::new('--phone', '--phone', [CompletionResultType]::ParameterName, 'Mobile number; without +country code the configured default_region applies')
            [CompletionResult]::new('--carrier', '--carrier', [CompletionResultType]::ParameterName, 'Mobile carrier (see `safecode carriers`), for email-to-SMS gateways')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email address outside the institution')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--confirmed', '--confirmed', [CompletionResultType]::ParameterName, 'The contact was verified in person: no confirmation code is sent, and it replaces a confirmed contact at once')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;confirm' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--resend', '--resend', [CompletionResultType]::ParameterName, 'Send each contact waiting for confirmation a fresh code (the old one is voided)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;unenroll' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--phone', '--phone', [CompletionResultType]::ParameterName, 'Remove the phone')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Remove the email')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;skip' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;check' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;prompt' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;issue' {
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Channel [default: sms if a confirmed phone exists, else email]')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why the limit is overridden, for the audit log (e.g. a ticket number)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--override-limit', '--override-limit', [CompletionResultType]::ParameterName, 'Send although the short sending limit (3 per 15 minutes) was reached; limits of a day or longer still hold. Needs --reason')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;verify' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;set-password' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Verify this reset code and set the password in one step (`-` reads it from stdin''s first line)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the new password from stdin (one line)')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Generate a random passphrase, print it once, and require a change at next login')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;reset' {
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Channel [default: sms if a confirmed phone exists, else email]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;authenticate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;import' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Validate every row and report, but write nothing')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Write the valid rows and report the invalid ones (default: all or nothing)')
            [CompletionResult]::new('--replace-contacts', '--replace-contacts', [CompletionResultType]::ParameterName, 'Allow rows to change an existing confirmed contact')
            [CompletionResult]::new('--unconfirmed', '--unconfirmed', [CompletionResultType]::ParameterName, 'Imported contacts need confirmation (default: the import vouches for them)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--excel', '--excel', [CompletionResultType]::ParameterName, 'Start the CSV with a UTF-8 byte-order mark, so Excel shows accented names right')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;purge' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only what closed at least this long ago (e.g. 1h, 7d) [default: 0]')
            [CompletionResult]::new('--audit-older-than', '--audit-older-than', [CompletionResultType]::ParameterName, 'Also delete audit rows older than this (e.g. 400d)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;stats' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Text exposition format for node_exporter''s textfile collector')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;audit' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only rows newer than this (e.g. 24h, 30d)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many rows [default: 50; 0 means all]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Walk the hash chain; exit 1 naming the first row that does not match')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;carriers' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;backup' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'safecode;doctor' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'A name for the audit log (e.g. your ticket handle), recorded beside the OS user')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print messages instead of sending them (admin only: a printed code is a real code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print errors only')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
