//! The futures-io adapter (`netwire::futures`): over real loopback TCP on
//! a small runtime (async-io), and over scripted readers and writers that
//! return `Pending` at every offset.

#![cfg(feature = "futures")]

use std::future::Future;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

#[path = "../support/mod.rs"]
mod support;

use async_io::Async;
use futures_io::{AsyncRead, AsyncWrite};
use netwire::frame::LengthPrefixed;
use netwire::futures::{MessageReader, MessageWriter};
use netwire::message::SelfDelimited;
use netwire::{ErrorKind, ascii, net, stream};
use serde::{Deserialize, Serialize};
use support::io::{ScriptedReader, ScriptedWriter, Step};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Msg {
    id: u32,
    name: String,
    data: Vec<u8>,
}

fn sample() -> Vec<Msg> {
    (0..20u32)
        .map(|id| Msg {
            id,
            name: format!("m{id}\nline"),
            // One large message among small ones.
            data: vec![id as u8; if id == 7 { 100_000 } else { id as usize }],
        })
        .collect()
}

/// The bytes the `std::io` writer produces for `messages`.
fn std_wire<F: netwire::frame::FrameEncoder, E: netwire::Encoding>(
    framing: F,
    encoding: E,
    messages: &[Msg],
) -> Vec<u8> {
    let mut tx = stream::MessageWriter::with_encoding(Vec::new(), framing, encoding);
    for m in messages {
        tx.write(m).unwrap();
    }
    tx.flush().unwrap();
    tx.into_inner()
}

/// Polls `future` to completion with a waker that does nothing; returns the
/// output and how many times it was pending.
fn run<F: Future>(future: F) -> (F::Output, usize) {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    let mut pending = 0;
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return (out, pending);
        }
        pending += 1;
        assert!(pending < 10_000_000, "no progress");
    }
}

async fn read_all<R, F>(rx: &mut MessageReader<R, F, impl netwire::Encoding>) -> Vec<Msg>
where
    R: AsyncRead + Unpin,
    F: netwire::message::MessageFraming,
{
    let mut got = Vec::new();
    while let Some(m) = rx.read::<Msg>().await.unwrap() {
        got.push(m);
    }
    got
}

#[test]
fn messages_cross_loopback_tcp_both_framed_and_self_delimited() {
    let messages = sample();
    for framed in [true, false] {
        let listener = Async::<TcpListener>::bind(([127, 0, 0, 1], 0)).unwrap();
        let addr = listener.get_ref().local_addr().unwrap();
        let to_send = messages.clone();
        let sender = std::thread::spawn(move || {
            async_io::block_on(async {
                let socket = Async::<TcpStream>::connect(addr).await.unwrap();
                if framed {
                    let mut tx = MessageWriter::new(socket, LengthPrefixed::u32());
                    for m in &to_send {
                        tx.write(m).await.unwrap();
                    }
                    tx.close().await.unwrap();
                } else {
                    let encoding = ascii::Config::new();
                    let mut tx =
                        MessageWriter::with_encoding(socket, SelfDelimited::new(), encoding);
                    for m in &to_send {
                        tx.write(m).await.unwrap();
                    }
                    tx.close().await.unwrap();
                }
            })
        });
        let got = async_io::block_on(async {
            let timeout = async_io::Timer::after(Duration::from_secs(20));
            let accept = async { listener.accept().await.unwrap().0 };
            let socket = futures_or(accept, timeout)
                .await
                .expect("no connection in time");
            if framed {
                read_all(&mut MessageReader::new(socket, LengthPrefixed::u32())).await
            } else {
                let encoding = ascii::Config::new();
                read_all(&mut MessageReader::with_encoding(
                    socket,
                    SelfDelimited::new(),
                    encoding,
                ))
                .await
            }
        });
        sender.join().unwrap();
        assert_eq!(got, messages, "framed: {framed}");
    }
}

/// The first of two futures to finish (`None` when the timer wins).
async fn futures_or<T>(work: impl Future<Output = T>, timer: async_io::Timer) -> Option<T> {
    let mut work = pin!(work);
    let mut timer = pin!(timer);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(v) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}

#[test]
fn a_reader_pending_at_every_offset_reads_the_same_messages() {
    let messages: Vec<Msg> = sample().into_iter().filter(|m| m.id != 7).collect();
    let framed = std_wire(LengthPrefixed::u16(), net::Config::new(), &messages);
    let delimited = std_wire(SelfDelimited::new(), ascii::Config::new(), &messages);
    for (wire, is_framed) in [(framed, true), (delimited, false)] {
        for chunk in [1, 7, 4096] {
            // Pending before every read, then at most `chunk` bytes.
            let reader = ScriptedReader::new(wire.clone(), [])
                .then_cycle([Step::WouldBlock, Step::Bytes(chunk)]);
            let (got, pending) = if is_framed {
                run(async {
                    read_all(&mut MessageReader::new(reader, LengthPrefixed::u16())).await
                })
            } else {
                let encoding = ascii::Config::new();
                run(async {
                    read_all(&mut MessageReader::with_encoding(
                        reader,
                        SelfDelimited::new(),
                        encoding,
                    ))
                    .await
                })
            };
            assert_eq!(got, messages, "chunk {chunk}");
            // Every read was pending once first.
            assert!(pending >= wire.len().div_ceil(chunk), "{pending} pending");
        }
    }
}

#[test]
fn a_read_future_dropped_mid_message_loses_nothing() {
    let messages = sample();
    let wire = std_wire(LengthPrefixed::u32(), net::Config::new(), &messages);
    for cut in [1, 3, 5, 40, 1000, wire.len() / 2] {
        let reader =
            ScriptedReader::new(wire.clone(), [Step::Bytes(cut), Step::WouldBlock]).tail_chunk(3);
        let mut rx = MessageReader::new(reader, LengthPrefixed::u32());
        let mut got = Vec::new();
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            // Poll each read once at most, then drop the future when it is
            // pending: the next read goes on where it stopped.
            let polled = {
                let mut read = pin!(rx.read::<Msg>());
                read.as_mut().poll(&mut cx)
            };
            match polled {
                Poll::Ready(Ok(Some(m))) => got.push(m),
                Poll::Ready(Ok(None)) => break,
                Poll::Ready(Err(e)) => panic!("{e}"),
                Poll::Pending => {}
            }
        }
        assert_eq!(got, messages, "cut at {cut}");
    }
}

#[test]
fn a_writer_pending_before_every_write_writes_what_the_std_writer_writes() {
    let messages = sample();
    for chunk in [1, 100, 1 << 20] {
        let framed = std_wire(LengthPrefixed::u32(), net::Config::new(), &messages);
        // Pending every other call, at most `chunk` bytes a call.
        let script = (0..2 * (framed.len() / chunk + 1)).map(|i| {
            if i % 2 == 0 {
                Step::WouldBlock
            } else {
                Step::Bytes(chunk)
            }
        });
        let writer = ScriptedWriter::new(script);
        let mut tx = MessageWriter::new(writer, LengthPrefixed::u32());
        let ((), pending) = run(async {
            for m in &messages {
                tx.write(m).await.unwrap();
            }
            tx.flush().await.unwrap();
        });
        assert!(pending > 0);
        assert_eq!(tx.pending(), 0);
        assert_eq!(tx.position(), framed.len() as u64);
        assert_eq!(tx.into_inner().data, framed, "chunk {chunk}");
    }
}

#[test]
fn a_truncated_stream_and_a_bad_message_have_stream_offsets() {
    // A frame of 5 announced, 2 bytes there.
    let (err, _) = run(async {
        let mut rx = MessageReader::new(&[0u8, 0, 0, 5, 1, 2][..], LengthPrefixed::u32());
        rx.read::<u32>().await.unwrap_err()
    });
    assert!(matches!(err.kind(), ErrorKind::Truncated { .. }), "{err:?}");
    assert_eq!(err.offset(), Some(0));
    // A good message, then a bool of 9 in the second frame.
    let (res, _) = run(async {
        let mut rx = MessageReader::new(&[1u8, 1, 1, 9, 1, 0][..], LengthPrefixed::u8());
        let first = rx.read::<bool>().await;
        let second = rx.read::<bool>().await;
        let third = rx.read::<bool>().await;
        (first, second, third)
    });
    assert_eq!(res.0.unwrap(), Some(true));
    let err = res.1.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidBool(9));
    assert_eq!(err.offset(), Some(3));
    // The bad frame was consumed: the stream goes on.
    assert_eq!(res.2.unwrap(), Some(false));
}

#[test]
fn a_writer_that_accepts_nothing_is_write_zero() {
    struct Zero;
    impl AsyncWrite for Zero {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(Ok(0))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    let mut tx = MessageWriter::new(Zero, LengthPrefixed::u8());
    let (err, _) = run(async { tx.write(&1u8).await.unwrap_err() });
    assert_eq!(
        err.kind(),
        &ErrorKind::Io(io::ErrorKind::WriteZero),
        "{err:?}"
    );
}
