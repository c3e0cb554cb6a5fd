#!/bin/sh
# SafeCode registration at login (README: Prompting at login).
#
# Install as /usr/local/lib/safecode/login.sh (root-owned, 0755) and call it from
# /etc/profile.d/safecode.sh:
#
#     case $- in *i*) /usr/local/lib/safecode/login.sh || exit 1 ;; esac
#
# Exit 0 lets the person in; anything else ends the login. It fails closed:
# only `check` saying 0 (enrolled), or a prompt that ended in a registration or
# an allowed skip, lets the person pass. Any other status (sudo refusing, no
# database, an unknown user, a crash) denies.

SAFECODE=/usr/bin/safecode

sudo -n "$SAFECODE" check >/dev/null 2>&1
status=$?
case $status in
    0)
        exit 0
        ;;
    10 | 11)
        # 10 may still skip, 11 must register now: the dialog offers what is
        # allowed, and records a skip or sends a confirmation code.
        if sudo -n "$SAFECODE" prompt; then
            exit 0
        fi
        echo "SafeCode registration did not complete; please log in again or call the help desk." >&2
        exit 1
        ;;
    *)
        echo "SafeCode could not check your registration (status $status); call the help desk." >&2
        exit 1
        ;;
esac
