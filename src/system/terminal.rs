//! The terminal after Ctrl-C: dialoguer's menus hide the cursor, and console
//! answers Ctrl-C by raising SIGINT, which would end the process with the cursor
//! still hidden. The handler shows it again and exits as an interrupted program.

/// Written by the handler: show the cursor, end the menu's line.
const SHOW_CURSOR: &[u8] = b"\x1b[?25h\n";

extern "C" fn on_interrupt(_sig: libc::c_int) {
    // SAFETY: write(2) and _exit(2) are async-signal-safe; the buffer is static.
    unsafe {
        libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
        libc::_exit(130);
    }
}

/// Before a menu: Ctrl-C restores the cursor and exits 130 (nothing is written
/// to the database while a menu waits, so there is nothing to roll back).
pub fn restore_cursor_on_interrupt() {
    let handler: extern "C" fn(libc::c_int) = on_interrupt;
    // SAFETY: installs a handler that only calls async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
    }
}
