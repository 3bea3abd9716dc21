//! Queued messages leave in one write call at the flush: a counting
//! writer sees exactly one `write` for 64 queued 16-byte messages, for the
//! std and the futures writers.

use std::io::{self, IoSlice, Write};

use netwire::frame::LengthPrefixed;
use netwire::stream::{FrameWriter, MessageWriter};
use serde::Serialize;

/// 16 bytes in `net`.
#[derive(Serialize, Clone, Copy)]
struct Small {
    id: u64,
    seq: u64,
}

const QUEUED: usize = 64;
const FRAME: usize = 4 + 16;

/// Counts the write calls that succeed, and keeps what they wrote.
#[derive(Default)]
struct Counting {
    calls: usize,
    out: Vec<u8>,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.calls += 1;
        let mut n = 0;
        for buf in bufs {
            self.out.extend_from_slice(buf);
            n += buf.len();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn queued_messages_leave_in_one_write_call() {
    let mut tx = MessageWriter::new(Counting::default(), LengthPrefixed::u32());
    for round in 0..3 {
        for seq in 0..QUEUED as u64 {
            tx.queue(&Small { id: round, seq }).unwrap();
        }
        assert_eq!(tx.get_ref().calls, round as usize, "queue wrote");
        tx.flush().unwrap();
        assert_eq!(tx.get_ref().calls, round as usize + 1);
    }
    let out = &tx.get_ref().out;
    assert_eq!(out.len(), 3 * QUEUED * FRAME);
    assert_eq!(
        out[..FRAME],
        [0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    );
}

#[test]
fn queued_frames_leave_in_one_write_call() {
    let mut tx = FrameWriter::new(Counting::default(), LengthPrefixed::u32());
    for _ in 0..QUEUED {
        tx.queue_frame(&[7; 16]).unwrap();
    }
    tx.flush().unwrap();
    assert_eq!(tx.get_ref().calls, 1);
    assert_eq!(tx.get_ref().out.len(), QUEUED * FRAME);
}

/// For contrast: `write` sends each message at once.
#[test]
fn written_messages_leave_one_call_each() {
    let mut tx = MessageWriter::new(Counting::default(), LengthPrefixed::u32());
    for seq in 0..QUEUED as u64 {
        tx.write(&Small { id: 0, seq }).unwrap();
    }
    tx.flush().unwrap();
    assert_eq!(tx.get_ref().calls, QUEUED);
}

#[cfg(feature = "futures")]
mod futures {
    use std::future::Future;
    use std::pin::{Pin, pin};
    use std::task::{Context, Poll, Waker};

    use netwire::futures::MessageWriter;

    use super::*;

    fn ready<F: Future>(fut: F) -> F::Output {
        let mut cx = Context::from_waker(Waker::noop());
        match pin!(fut).poll(&mut cx) {
            Poll::Ready(out) => out,
            Poll::Pending => panic!("pending"),
        }
    }

    impl futures_io::AsyncWrite for Counting {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(self.get_mut().write(buf))
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(self.get_mut().write_vectored(bufs))
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn queued_messages_leave_in_one_write_call() {
        let mut tx = MessageWriter::new(Counting::default(), LengthPrefixed::u32());
        for round in 0..3 {
            for seq in 0..QUEUED as u64 {
                tx.queue(&Small { id: round, seq }).unwrap();
            }
            assert_eq!(tx.get_ref().calls, round as usize, "queue wrote");
            ready(tx.flush()).unwrap();
            assert_eq!(tx.get_ref().calls, round as usize + 1);
        }
        assert_eq!(tx.get_ref().out.len(), 3 * QUEUED * FRAME);
    }

    /// `write` after queued messages sends them all in its one call.
    #[test]
    fn a_write_takes_the_queued_messages_along() {
        let mut tx = MessageWriter::new(Counting::default(), LengthPrefixed::u32());
        for seq in 0..QUEUED as u64 - 1 {
            tx.queue(&Small { id: 0, seq }).unwrap();
        }
        ready(tx.write(&Small { id: 0, seq: 63 })).unwrap();
        assert_eq!(tx.get_ref().calls, 1);
        assert_eq!(tx.get_ref().out.len(), QUEUED * FRAME);
    }
}
