//! What a connection keeps between messages, by a counting global
//! allocator: after a 1 MiB message and then nothing to read, a reader
//! holds no buffer; small messages at steady state allocate nothing.
//!
//! This file holds a single test running each check in turn, so no other
//! test allocates concurrently.

use std::alloc::System;
use std::io::{self, Read};

use netwire::frame::LengthPrefixed;
use netwire::stream::{FrameReader, FrameWriter, MessageReader, MessageWriter};
use serde::{Deserialize, Serialize};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The most an idle connection's reader may keep.
const IDLE_MAX: isize = 1024;
const BIG: usize = 1 << 20;

/// 16 bytes in `net`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
struct Small {
    id: u64,
    seq: u64,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Msg {
    Small(Small),
    Big(serde_bytes::ByteBuf),
}

fn small(seq: usize) -> Small {
    Small {
        id: 1,
        seq: seq as u64,
    }
}

/// Framed wire bytes of `messages`.
fn wire<T: Serialize>(messages: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u32());
    for m in messages {
        tx.queue(&m).expect("encoded");
    }
    tx.flush().expect("flushed");
    tx.into_inner()
}

/// 16 small messages, a 1 MiB one, 4 small ones.
fn busy_then_big() -> Vec<u8> {
    let mut messages: Vec<Msg> = (0..16).map(|i| Msg::Small(small(i))).collect();
    messages.push(Msg::Big(serde_bytes::ByteBuf::from(vec![9u8; BIG])));
    messages.extend((16..20).map(|i| Msg::Small(small(i))));
    wire(messages)
}

/// An in-memory socket: hands out its bytes up to 64 KiB per read, then
/// would block (the peer is idle).
struct Idle {
    data: Vec<u8>,
    pos: usize,
}

impl Idle {
    fn new(data: Vec<u8>) -> Self {
        Idle { data, pos: 0 }
    }

    fn next(&mut self, room: &mut [u8]) -> Option<usize> {
        let rest = &self.data[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let n = rest.len().min(room.len()).min(64 * 1024);
        room[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Some(n)
    }
}

impl Read for Idle {
    fn read(&mut self, room: &mut [u8]) -> io::Result<usize> {
        self.next(room)
            .ok_or_else(|| io::ErrorKind::WouldBlock.into())
    }
}

#[cfg(feature = "futures")]
impl futures_io::AsyncRead for Idle {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        room: &mut [u8],
    ) -> std::task::Poll<io::Result<usize>> {
        match self.get_mut().next(room) {
            Some(n) => std::task::Poll::Ready(Ok(n)),
            None => std::task::Poll::Pending,
        }
    }
}

/// Bytes allocated and not freed since `region` began.
fn held(region: &Region<'_, System>) -> isize {
    let change = region.change();
    change.bytes_allocated as isize - change.bytes_deallocated as isize
}

/// Allocations (and reallocations) since `region` began.
fn allocations(region: &Region<'_, System>) -> usize {
    let change = region.change();
    change.allocations + change.reallocations
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn connection_memory() {
    a_reader_keeps_nothing_after_a_large_message_and_idle();
    a_frame_reader_keeps_nothing_after_a_large_frame_and_idle();
    a_large_message_is_given_back_while_messages_keep_coming();
    a_writer_lets_a_large_queue_go_once_sent();
    small_messages_allocate_nothing_at_steady_state();
    #[cfg(feature = "futures")]
    futures::a_reader_keeps_nothing_after_a_large_message_and_idle();
    #[cfg(feature = "futures")]
    futures::small_messages_allocate_nothing_at_steady_state();
    #[cfg(feature = "tokio")]
    codec::a_large_buffer_is_given_back();
    #[cfg(feature = "tokio")]
    codec::small_messages_allocate_nothing_at_steady_state();
}

/// The std reader: 1 MiB arrives, the socket then blocks. Before, the
/// reader kept the 2 MiB its buffer grew to for the rest of the
/// connection (and 8 KiB after small messages only).
fn a_reader_keeps_nothing_after_a_large_message_and_idle() {
    let socket = Idle::new(busy_then_big());
    let region = Region::new(GLOBAL);
    let mut rx = MessageReader::new(socket, LengthPrefixed::u32());
    let mut got = 0;
    let err = loop {
        match rx.read::<Msg>() {
            Ok(Some(m)) => {
                got += 1;
                drop(m);
            }
            Ok(None) => panic!("the idle socket ended"),
            Err(err) => break err,
        }
    };
    assert_eq!(got, 21);
    assert!(err.is_transient(), "{err}");
    drop(err);
    let kept = held(&region);
    assert!(
        kept <= IDLE_MAX,
        "an idle MessageReader keeps {kept} bytes after a 1 MiB message"
    );
    // The next message still arrives whole.
    rx.get_mut().data.extend(wire([Msg::Small(small(99))]));
    assert_eq!(rx.read::<Msg>().unwrap(), Some(Msg::Small(small(99))));
}

/// The frame reader hands out frames as views of its buffer: once they
/// are dropped and the socket blocks, nothing is kept.
fn a_frame_reader_keeps_nothing_after_a_large_frame_and_idle() {
    let socket = Idle::new(busy_then_big());
    let region = Region::new(GLOBAL);
    let mut rx = FrameReader::new(socket, LengthPrefixed::u32());
    let mut sizes = Vec::with_capacity(32);
    let vec_bytes = (sizes.capacity() * size_of::<usize>()) as isize;
    let err = loop {
        match rx.read_frame() {
            Ok(Some(frame)) => sizes.push(frame.len()),
            Ok(None) => panic!("the idle socket ended"),
            Err(err) => break err,
        }
    };
    assert!(err.is_transient(), "{err}");
    drop(err);
    assert_eq!(sizes.len(), 21);
    assert!(sizes[16] > BIG);
    let kept = held(&region) - vec_bytes;
    assert!(
        kept <= IDLE_MAX,
        "an idle FrameReader keeps {kept} bytes after a 1 MiB frame"
    );
}

/// Without a pause: after the large message, small ones keep arriving in
/// later reads. The buffer goes back to read-chunk size.
fn a_large_message_is_given_back_while_messages_keep_coming() {
    let mut data = busy_then_big();
    data.extend(wire((0..20_000).map(|i| Msg::Small(small(i)))));
    let socket = Idle::new(data);
    let region = Region::new(GLOBAL);
    let mut rx = MessageReader::new(socket, LengthPrefixed::u32());
    for _ in 0..21 + 19_000 {
        rx.read::<Msg>().unwrap().expect("a message");
    }
    let kept = held(&region);
    assert!(
        kept <= 4 * 8 * 1024,
        "a busy MessageReader keeps {kept} bytes after a 1 MiB message"
    );
}

/// A writer that takes everything at once.
struct Null;

impl io::Write for Null {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The std writers: a 1 MiB message's queue is let go once it is sent,
/// so an idle writer keeps what small messages need.
fn a_writer_lets_a_large_queue_go_once_sent() {
    let big = Msg::Big(serde_bytes::ByteBuf::from(vec![9u8; BIG]));
    let region = Region::new(GLOBAL);
    let mut tx = MessageWriter::new(Null, LengthPrefixed::u32());
    tx.write(&Msg::Small(small(0))).unwrap();
    tx.write(&big).unwrap();
    tx.write(&Msg::Small(small(1))).unwrap();
    tx.flush().unwrap();
    let kept = held(&region);
    assert!(
        kept <= IDLE_MAX,
        "an idle MessageWriter keeps {kept} bytes after a 1 MiB message"
    );
    drop(tx);

    let region = Region::new(GLOBAL);
    let mut tx = FrameWriter::new(Null, LengthPrefixed::u32());
    // Queued whole (no vectored write), so the queue grows to 1 MiB.
    tx.queue_frame(&vec![1u8; BIG]).unwrap();
    tx.flush().unwrap();
    tx.write_frame(b"small").unwrap();
    let kept = held(&region);
    assert!(
        kept <= IDLE_MAX,
        "an idle FrameWriter keeps {kept} bytes after a 1 MiB frame"
    );
}

/// Pipelined small messages: once warm, reading and writing them
/// allocates nothing, also across the reader's refills.
fn small_messages_allocate_nothing_at_steady_state() {
    let data = wire((0..60_000).map(small));
    let mut rx = MessageReader::new(Idle::new(data), LengthPrefixed::u32());
    for i in 0..1000 {
        assert_eq!(rx.read::<Small>().unwrap(), Some(small(i)));
    }
    let region = Region::new(GLOBAL);
    for i in 1000..60_000 {
        assert_eq!(rx.read::<Small>().unwrap(), Some(small(i)));
    }
    let n = allocations(&region);
    assert_eq!(n, 0, "{n} allocations reading 59 000 small messages");

    let mut tx = MessageWriter::new(Null, LengthPrefixed::u32());
    let send = |tx: &mut MessageWriter<Null, LengthPrefixed>, rounds: usize| {
        for round in 0..rounds {
            for i in 0..64 {
                tx.queue(&small(round * 64 + i)).unwrap();
            }
            tx.flush().unwrap();
            tx.write(&small(round)).unwrap();
        }
    };
    send(&mut tx, 10);
    let region = Region::new(GLOBAL);
    send(&mut tx, 1000);
    let n = allocations(&region);
    assert_eq!(n, 0, "{n} allocations writing 65 000 small messages");
}

#[cfg(feature = "futures")]
mod futures {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use netwire::futures::{MessageReader, MessageWriter};

    use super::*;

    /// Polls `fut` once with a no-op waker.
    fn poll_once<F: Future>(fut: F) -> Poll<F::Output> {
        let mut cx = Context::from_waker(Waker::noop());
        pin!(fut).poll(&mut cx)
    }

    /// Runs `fut`, which must never be pending.
    fn ready<F: Future>(fut: F) -> F::Output {
        match poll_once(fut) {
            Poll::Ready(out) => out,
            Poll::Pending => panic!("pending"),
        }
    }

    /// As the std reader: `Pending` with nothing buffered gives the buffer
    /// back.
    pub(super) fn a_reader_keeps_nothing_after_a_large_message_and_idle() {
        let socket = Idle::new(busy_then_big());
        let region = Region::new(GLOBAL);
        let mut rx = MessageReader::new(socket, LengthPrefixed::u32());
        for _ in 0..21 {
            ready(rx.read::<Msg>()).unwrap().expect("a message");
        }
        assert!(poll_once(rx.read::<Msg>()).is_pending());
        let kept = held(&region);
        assert!(
            kept <= IDLE_MAX,
            "an idle futures::MessageReader keeps {kept} bytes after a 1 MiB message"
        );
        rx.get_mut().data.extend(wire([Msg::Small(small(99))]));
        assert_eq!(
            ready(rx.read::<Msg>()).unwrap(),
            Some(Msg::Small(small(99)))
        );
    }

    /// A futures writer that takes everything at once.
    struct Null;

    impl futures_io::AsyncWrite for Null {
        fn poll_write(
            self: std::pin::Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_close(self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    pub(super) fn small_messages_allocate_nothing_at_steady_state() {
        let data = wire((0..60_000).map(small));
        let mut rx = MessageReader::new(Idle::new(data), LengthPrefixed::u32());
        for i in 0..1000 {
            assert_eq!(ready(rx.read::<Small>()).unwrap(), Some(small(i)));
        }
        let region = Region::new(GLOBAL);
        for i in 1000..60_000 {
            assert_eq!(ready(rx.read::<Small>()).unwrap(), Some(small(i)));
        }
        let n = allocations(&region);
        assert_eq!(n, 0, "{n} allocations reading 59 000 small messages");

        let mut tx = MessageWriter::new(Null, LengthPrefixed::u32());
        let big = Msg::Big(serde_bytes::ByteBuf::from(vec![9u8; BIG]));
        let region = Region::new(GLOBAL);
        ready(tx.write(&big)).unwrap();
        let kept = held(&region);
        assert!(
            kept <= IDLE_MAX,
            "an idle futures::MessageWriter keeps {kept} bytes"
        );
        let send = |tx: &mut MessageWriter<Null, LengthPrefixed>, rounds: usize| {
            for round in 0..rounds {
                for i in 0..64 {
                    tx.queue(&small(round * 64 + i)).unwrap();
                }
                ready(tx.flush()).unwrap();
            }
        };
        send(&mut tx, 10);
        let region = Region::new(GLOBAL);
        send(&mut tx, 1000);
        let n = allocations(&region);
        assert_eq!(n, 0, "{n} allocations writing 64 000 small messages");
    }
}

#[cfg(feature = "tokio")]
mod codec {
    use bytes::{Buf, BytesMut};
    use netwire::codec::{FrameCodec, MessageCodec};
    use tokio_util::codec::{Decoder, Encoder};

    use super::*;

    /// What `FramedRead` does: make room for a byte, read into the spare
    /// capacity (here up to 64 KiB of `wire`), decode until "need more".
    fn framed_read<D: Decoder>(codec: &mut D, src: &mut BytesMut, wire: &mut &[u8]) -> usize
    where
        D::Error: std::fmt::Debug,
    {
        let mut items = 0;
        loop {
            while let Some(item) = codec.decode(src).unwrap() {
                drop(item);
                items += 1;
            }
            if wire.is_empty() {
                return items;
            }
            src.reserve(1);
            let n = (src.capacity() - src.len()).min(64 * 1024).min(wire.len());
            src.extend_from_slice(&wire[..n]);
            *wire = &wire[n..];
        }
    }

    /// `FramedRead` keeps its buffer; after a 1 MiB message the codecs
    /// swap it for an 8 KiB one (its size from the start).
    pub(super) fn a_large_buffer_is_given_back() {
        let data = busy_then_big();
        let region = Region::new(GLOBAL);
        let mut src = BytesMut::with_capacity(8 * 1024);
        let mut codec = MessageCodec::<Msg, _>::new(LengthPrefixed::u32());
        assert_eq!(framed_read(&mut codec, &mut src, &mut &data[..]), 21);
        let kept = held(&region);
        assert!(
            kept <= 8 * 1024 + IDLE_MAX,
            "MessageCodec leaves FramedRead {kept} bytes after a 1 MiB message"
        );
        drop((src, codec));

        let region = Region::new(GLOBAL);
        let mut src = BytesMut::with_capacity(8 * 1024);
        let mut codec = FrameCodec::new(LengthPrefixed::u32());
        assert_eq!(framed_read(&mut codec, &mut src, &mut &data[..]), 21);
        let kept = held(&region);
        assert!(
            kept <= 8 * 1024 + IDLE_MAX,
            "FrameCodec leaves FramedRead {kept} bytes after a 1 MiB frame"
        );
        drop((src, codec));

        // FramedWrite: encode, write out, encode again.
        let big = Msg::Big(serde_bytes::ByteBuf::from(vec![9u8; BIG]));
        let region = Region::new(GLOBAL);
        let mut dst = BytesMut::with_capacity(8 * 1024);
        let mut codec = MessageCodec::<&Msg, _>::new(LengthPrefixed::u32());
        codec.encode(&big, &mut dst).unwrap();
        dst.advance(dst.len());
        codec.encode(&Msg::Small(small(0)), &mut dst).unwrap();
        let kept = held(&region);
        assert!(
            kept <= 8 * 1024 + IDLE_MAX,
            "MessageCodec leaves FramedWrite {kept} bytes after a 1 MiB message"
        );
    }

    pub(super) fn small_messages_allocate_nothing_at_steady_state() {
        let data = wire((0..60_000).map(small));
        let (warm, rest) = data.split_at(20 * 1000);
        let mut src = BytesMut::with_capacity(8 * 1024);
        let mut codec = MessageCodec::<Small, _>::new(LengthPrefixed::u32());
        assert_eq!(framed_read(&mut codec, &mut src, &mut &warm[..]), 1000);
        let region = Region::new(GLOBAL);
        assert_eq!(framed_read(&mut codec, &mut src, &mut &rest[..]), 59_000);
        let n = allocations(&region);
        assert_eq!(n, 0, "{n} allocations decoding 59 000 small messages");

        let mut dst = BytesMut::with_capacity(8 * 1024);
        let mut send = |dst: &mut BytesMut, rounds: usize| {
            for round in 0..rounds {
                for i in 0..64 {
                    codec.encode(small(round * 64 + i), dst).unwrap();
                }
                dst.advance(dst.len());
            }
        };
        send(&mut dst, 10);
        let region = Region::new(GLOBAL);
        send(&mut dst, 1000);
        let n = allocations(&region);
        assert_eq!(n, 0, "{n} allocations encoding 64 000 small messages");
    }
}
