//! `--dry-run`: print each message instead of sending it (SPEC §2 "Output").

use std::cell::RefCell;
use std::io::{ErrorKind, Write};

use super::{Channel, Message, Sender};
use crate::error::{self, Error};

/// Prints each message as a block whose first line says it was not sent, with
/// the channel and the full destination, then the body:
///
/// ```text
/// --- not sent (dry run): sms to +16174322000 ---
/// HMS SafeCode 123456 for your password reset. ...
/// ---
/// ```
///
/// Email blocks also carry a `Subject:` line before the body.
pub struct DryRun {
    out: RefCell<Box<dyn Write>>,
}

impl DryRun {
    pub fn new(out: Box<dyn Write>) -> DryRun {
        DryRun {
            out: RefCell::new(out),
        }
    }
}

/// The printed block for `msg`.
pub fn block(msg: &Message) -> String {
    let mut b = format!(
        "--- not sent (dry run): {} to {} ---\n",
        msg.channel, msg.to
    );
    if msg.channel == Channel::Email {
        b.push_str("Subject: ");
        b.push_str(&msg.text.subject);
        b.push_str("\n\n");
    }
    b.push_str(&msg.text.body);
    if !msg.text.body.ends_with('\n') {
        b.push('\n');
    }
    b.push_str("---\n");
    b
}

impl Sender for DryRun {
    fn send(&self, msg: &Message) -> Result<(), Error> {
        let mut out = self
            .out
            .try_borrow_mut()
            .map_err(|_| error::other("the dry-run printer is already in use"))?;
        match out
            .write_all(block(msg).as_bytes())
            .and_then(|()| out.flush())
        {
            // `safecode ... --dry-run | head -1` is not an error (as in ripgrep).
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(error::other(format!(
                "cannot print the dry-run message: {e}"
            ))),
            Ok(()) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::Text;
    use crate::send::testing::SharedBuf;

    fn msg(channel: Channel, to: &str) -> Message {
        Message {
            channel,
            to: to.into(),
            gateway: None,
            text: Text {
                subject: "HMS SafeCode for your password reset".into(),
                body: "Your code is:\n\n    0123456789\n".into(),
            },
        }
    }

    #[test]
    fn sms_block() {
        let out = SharedBuf::default();
        let d = DryRun::new(Box::new(out.clone()));
        let mut m = msg(Channel::Sms, "+16174322000");
        m.text.body = "HMS SafeCode 0123456789".into();
        d.send(&m).unwrap();
        assert_eq!(
            out.text(),
            "--- not sent (dry run): sms to +16174322000 ---\nHMS SafeCode 0123456789\n---\n"
        );
    }

    #[test]
    fn email_block_has_the_subject() {
        let out = SharedBuf::default();
        let d = DryRun::new(Box::new(out.clone()));
        d.send(&msg(Channel::Email, "a@example.org")).unwrap();
        d.send(&msg(Channel::Email, "b@example.org")).unwrap();
        let text = out.text();
        assert!(text.starts_with(
            "--- not sent (dry run): email to a@example.org ---\n\
             Subject: HMS SafeCode for your password reset\n\n\
             Your code is:\n\n    0123456789\n---\n"
        ));
        assert!(text.contains("email to b@example.org"));
    }

    struct BrokenPipe;
    impl Write for BrokenPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(ErrorKind::BrokenPipe.into())
        }
    }

    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn broken_pipe_is_not_an_error() {
        let d = DryRun::new(Box::new(BrokenPipe));
        d.send(&msg(Channel::Sms, "+16174322000")).unwrap();
    }

    #[test]
    fn other_write_errors_are_reported() {
        let d = DryRun::new(Box::new(Full));
        let e = d.send(&msg(Channel::Sms, "+16174322000")).unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Other);
        assert!(e.message.contains("disk full"), "{}", e.message);
    }
}
