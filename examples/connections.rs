//! Many connections: what each one costs a server, side by side for
//! netwire's tokio codec, its futures adapter (over tokio through
//! `tokio_util::compat`), and tokio-util's `LengthDelimitedCodec` with
//! bincode or postcard, all on one u32 length header.
//!
//! 1. **Heap per idle connection.** A client process opens N loopback
//!    connections; on each, 16 small messages go each way, then (on the
//!    first `BIG` connections) one 1 MiB message each way, then the
//!    connections idle, the server blocked in a read. A counting global
//!    allocator gives the server's heap per connection at each idle point,
//!    against plain tokio sockets that carry nothing (`raw`).
//! 2. **Messages per second.** One connection, 16-byte messages pipelined:
//!    the client queues 64 and flushes, the server reads them all.
//! 3. **Write calls per message** in the same run, by a writer wrapper that
//!    counts the `poll_write`/`poll_write_vectored` calls that return
//!    `Ready`.
//!
//! `cargo run --release --example connections --features tokio,futures -- 10000 2000000`
//! (connections, pipelined messages; the defaults). The clients run in a
//! child process (this program, with `--client`), so each process holds N
//! sockets. The file descriptor limit is raised to its hard limit and N is
//! lowered to fit; a watchdog ends both processes after `TIME_LIMIT`.

use std::alloc::System;
use std::io::{BufRead, Write as _};
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use netwire::codec::MessageCodec;
use netwire::frame::LengthPrefixed;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use tokio::io::AsyncWrite;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::{FramedRead, FramedWrite, LengthDelimitedCodec};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Both processes give up after this long.
const TIME_LIMIT: Duration = Duration::from_secs(600);
/// Small messages each way per connection.
const SMALL: usize = 16;
/// Connections that also carry one 1 MiB message each way.
const BIG: usize = 100;
const BIG_LEN: usize = 1 << 20;
/// Small messages queued per flush.
const BATCH: usize = 64;

/// 16 bytes in `net` and in bincode's legacy (fixed-width) configuration.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
struct Small {
    id: u64,
    seq: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
enum Msg {
    Small(Small),
    Big(serde_bytes::ByteBuf),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Stack {
    /// `FramedRead`/`FramedWrite` + `netwire::codec::MessageCodec`.
    Codec,
    /// `netwire::futures::{MessageReader, MessageWriter}` over `compat`.
    Futures,
    /// `LengthDelimitedCodec` + bincode 2 (serde API, legacy config).
    Bincode,
    /// `LengthDelimitedCodec` + postcard.
    Postcard,
}

const STACKS: [Stack; 4] = [
    Stack::Codec,
    Stack::Futures,
    Stack::Bincode,
    Stack::Postcard,
];

impl Stack {
    fn name(self) -> &'static str {
        match self {
            Stack::Codec => "netwire codec (tokio)",
            Stack::Futures => "netwire futures (compat)",
            Stack::Bincode => "tokio-util LDC + bincode",
            Stack::Postcard => "tokio-util LDC + postcard",
        }
    }

    fn parse(s: &str) -> Option<Stack> {
        STACKS.into_iter().find(|k| format!("{k:?}") == s)
    }
}

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T> = std::result::Result<T, Error>;

/// One connection's reading and writing halves, as each stack's users
/// write them.
enum Conn<T, W> {
    Codec(
        FramedRead<OwnedReadHalf, MessageCodec<T, LengthPrefixed>>,
        FramedWrite<W, MessageCodec<T, LengthPrefixed>>,
    ),
    Futures(
        netwire::futures::MessageReader<Compat<OwnedReadHalf>, LengthPrefixed>,
        netwire::futures::MessageWriter<Compat<W>, LengthPrefixed>,
    ),
    Ldc(
        Stack,
        FramedRead<OwnedReadHalf, LengthDelimitedCodec>,
        FramedWrite<W, LengthDelimitedCodec>,
        /// Encoding scratch, split off per message.
        BytesMut,
    ),
}

fn bincode_config() -> impl bincode::config::Config {
    bincode::config::legacy()
}

impl<T, W> Conn<T, W>
where
    T: Serialize + DeserializeOwned,
    W: AsyncWrite + Unpin,
{
    fn new(stack: Stack, read: OwnedReadHalf, write: W) -> Self {
        let framing = LengthPrefixed::u32;
        match stack {
            Stack::Codec => Conn::Codec(
                FramedRead::new(read, MessageCodec::new(framing())),
                FramedWrite::new(write, MessageCodec::new(framing())),
            ),
            Stack::Futures => Conn::Futures(
                netwire::futures::MessageReader::new(read.compat(), framing()),
                netwire::futures::MessageWriter::new(write.compat_write(), framing()),
            ),
            Stack::Bincode | Stack::Postcard => Conn::Ldc(
                stack,
                FramedRead::new(read, LengthDelimitedCodec::new()),
                FramedWrite::new(write, LengthDelimitedCodec::new()),
                BytesMut::new(),
            ),
        }
    }

    /// The next message, `None` at the end of the stream.
    async fn recv(&mut self) -> Result<Option<T>> {
        Ok(match self {
            Conn::Codec(rx, _) => rx.next().await.transpose()?,
            Conn::Futures(rx, _) => rx.read().await?,
            Conn::Ldc(stack, rx, _, _) => match rx.next().await.transpose()? {
                None => None,
                Some(frame) if *stack == Stack::Bincode => {
                    Some(bincode::serde::decode_from_slice(&frame, bincode_config())?.0)
                }
                Some(frame) => Some(postcard::from_bytes(&frame)?),
            },
        })
    }

    /// Queues `message` without flushing.
    async fn feed(&mut self, message: T) -> Result<()> {
        match self {
            Conn::Codec(_, tx) => tx.feed(message).await?,
            Conn::Futures(_, tx) => tx.queue(&message)?,
            Conn::Ldc(stack, _, tx, scratch) => {
                if *stack == Stack::Bincode {
                    bincode::serde::encode_into_std_write(
                        &message,
                        &mut scratch.writer(),
                        bincode_config(),
                    )?;
                } else {
                    postcard::to_io(&message, scratch.writer())?;
                }
                tx.feed(scratch.split().freeze()).await?;
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<()> {
        match self {
            Conn::Codec(_, tx) => SinkExt::<T>::flush(tx).await?,
            Conn::Futures(_, tx) => tx.flush().await?,
            Conn::Ldc(_, _, tx, _) => SinkExt::<Bytes>::flush(tx).await?,
        }
        Ok(())
    }
}

/// Counts the write calls that return `Ready`: the `write`/`writev`
/// system calls a socket makes (a `Pending` one is a call too, but none
/// happen here: the reader keeps up).
struct Counting<W> {
    inner: W,
    calls: Arc<AtomicU64>,
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Counting<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if polled.is_ready() {
            self.calls.fetch_add(1, Ordering::Relaxed);
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if polled.is_ready() {
            self.calls.fetch_add(1, Ordering::Relaxed);
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Heap bytes held now (allocated and not freed), process-wide.
fn heap() -> i64 {
    let s = GLOBAL.stats();
    s.bytes_allocated as i64 - s.bytes_deallocated as i64
}

/// Raises the soft limit on open files to the hard one; returns it.
fn raise_fd_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` writes one `rlimit` into the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return 256;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: `setrlimit` only reads the struct it is given.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit = raised;
        }
    }
    limit.rlim_cur
}

/// Ends the process after `TIME_LIMIT`, whatever it is doing.
fn watchdog(who: &'static str) {
    std::thread::spawn(move || {
        std::thread::sleep(TIME_LIMIT);
        eprintln!("connections ({who}): over {TIME_LIMIT:?}, giving up");
        std::process::exit(2);
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn small(id: usize, seq: usize) -> Small {
    Small {
        id: id as u64,
        seq: seq as u64,
    }
}

/// Polls `done` until it reaches `want` (every task is then parked in a
/// read: the runtime has one thread, and this future runs only when they
/// all wait).
async fn until(done: &AtomicUsize, want: usize) {
    while done.load(Ordering::Acquire) < want {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The server's side of one connection in the heap test.
async fn serve(stack: Stack, stream: TcpStream, small_done: &AtomicUsize, big_done: &AtomicUsize) {
    let (read, write) = stream.into_split();
    let mut conn = Conn::<Msg, OwnedWriteHalf>::new(stack, read, write);
    let result: Result<()> = async {
        for _ in 0..SMALL {
            conn.recv().await?.ok_or("closed early")?;
        }
        for seq in 0..SMALL {
            conn.feed(Msg::Small(small(0, seq))).await?;
        }
        conn.flush().await?;
        small_done.fetch_add(1, Ordering::Release);
        // Idle here, unless this is one of the large-message connections.
        let Some(big) = conn.recv().await? else {
            return Ok(());
        };
        conn.feed(big).await?;
        conn.flush().await?;
        big_done.fetch_add(1, Ordering::Release);
        // Idle again, until the client closes.
        while conn.recv().await?.is_some() {}
        Ok(())
    }
    .await;
    if let Err(err) = result {
        eprintln!("{}: server connection failed: {err}", stack.name());
        std::process::exit(1);
    }
}

/// Per-connection heap (bytes) at the three idle points.
struct Heap {
    connected: f64,
    after_small: f64,
    after_big: f64,
    leaked: i64,
}

/// One heap run: `n` connections from a child process speaking `stack`
/// (`None`: plain sockets that carry nothing).
fn heap_run(stack: Option<Stack>, n: usize) -> Result<Heap> {
    let rt = runtime();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let kind = stack.map_or("Raw".to_string(), |s| format!("{s:?}"));
        let mut child = Command::new(std::env::current_exe()?)
            .args(["--client", &kind, &port.to_string(), &n.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut to_child = child.stdin.take().ok_or("no stdin")?;
        let mut from_child = std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let small_done = Arc::new(AtomicUsize::new(0));
        let big_done = Arc::new(AtomicUsize::new(0));
        let live = Arc::new(AtomicUsize::new(0));
        let base = heap();
        let mut tasks = Vec::with_capacity(n);
        for _ in 0..n {
            let (stream, _) = listener.accept().await?;
            let (small_done, big_done, live) = (small_done.clone(), big_done.clone(), live.clone());
            live.fetch_add(1, Ordering::Relaxed);
            tasks.push(tokio::spawn(async move {
                match stack {
                    Some(stack) => serve(stack, stream, &small_done, &big_done).await,
                    None => {
                        // Wait for the peer to close; nothing else.
                        small_done.fetch_add(1, Ordering::Release);
                        big_done.fetch_add(1, Ordering::Release);
                        let mut sink = [0u8; 64];
                        while !matches!(stream.try_read(&mut sink), Ok(0)) {
                            let _ = stream.readable().await;
                        }
                    }
                }
                live.fetch_sub(1, Ordering::Release);
            }));
        }
        // The tasks' handles are the server's bookkeeping, not the connections'.
        let handles = (tasks.capacity() * std::mem::size_of_val(&tasks[0])) as i64;
        tokio::time::sleep(Duration::from_millis(20)).await;
        let connected = heap() - base - handles;
        let mut line = String::new();
        writeln!(to_child, "small")?;
        until(&small_done, n).await;
        let after_small = heap() - base - handles;
        let big = BIG.min(n);
        writeln!(to_child, "big")?;
        if stack.is_some() {
            until(&big_done, big).await;
        }
        let after_big = heap() - base - handles;
        writeln!(to_child, "close")?;
        // The server tasks end as the client closes; then the client says
        // it is done (a blocking read, with nothing left to run).
        for task in tasks {
            task.await?;
        }
        from_child.read_line(&mut line)?;
        let leaked = heap() - base;
        child.wait()?;
        let per = |bytes: i64| bytes as f64 / n as f64;
        Ok(Heap {
            connected: per(connected),
            after_small: per(after_small),
            // The large messages went over `big` connections only.
            after_big: per(after_small) + (after_big - after_small) as f64 / big as f64,
            leaked,
        })
    })
}

/// The client process of a heap run: connects, then does what each line
/// from the parent says.
fn client(kind: &str, port: u16, n: usize) -> Result<()> {
    watchdog("client");
    raise_fd_limit();
    let stack = Stack::parse(kind);
    let rt = runtime();
    let stdin = std::io::stdin();
    let mut command = String::new();
    let mut next = move || -> Result<String> {
        command.clear();
        if stdin.lock().read_line(&mut command)? == 0 {
            std::process::exit(1); // the parent is gone
        }
        Ok(command.trim().to_string())
    };
    rt.block_on(async {
        let mut raw = Vec::new();
        let mut conns = Vec::new();
        // Up to 128 connects in flight: a SYN the kernel drops (after
        // earlier runs filled the port range with TIME_WAIT) is then
        // retried beside the others, not before them.
        let mut connecting = tokio::task::JoinSet::new();
        for i in 0..n {
            if i >= 128 {
                raw.push(connecting.join_next().await.ok_or("no connect")???);
            }
            connecting.spawn(TcpStream::connect(("127.0.0.1", port)));
        }
        while let Some(stream) = connecting.join_next().await {
            raw.push(stream??);
        }
        for stream in std::mem::take(&mut raw) {
            match stack {
                None => raw.push(stream),
                Some(stack) => {
                    let (read, write) = stream.into_split();
                    conns.push(Conn::<Msg, OwnedWriteHalf>::new(stack, read, write));
                }
            }
        }
        assert_eq!(next()?, "small");
        let mut tasks = tokio::task::JoinSet::new();
        for (id, mut conn) in conns.drain(..).enumerate() {
            tasks.spawn(async move {
                for seq in 0..SMALL {
                    conn.feed(Msg::Small(small(id, seq))).await?;
                }
                conn.flush().await?;
                for _ in 0..SMALL {
                    conn.recv().await?.ok_or("closed early")?;
                }
                Ok::<_, Error>(conn)
            });
        }
        while let Some(conn) = tasks.join_next().await {
            conns.push(conn??);
        }
        assert_eq!(next()?, "big");
        let payload = serde_bytes::ByteBuf::from(vec![7u8; BIG_LEN]);
        // A few at a time, so the client's own memory stays small.
        let big = BIG.min(conns.len());
        for chunk in conns[..big].chunks_mut(8) {
            for conn in chunk.iter_mut() {
                conn.feed(Msg::Big(payload.clone())).await?;
                conn.flush().await?;
            }
            for conn in chunk.iter_mut() {
                match conn.recv().await? {
                    Some(Msg::Big(echo)) if echo.len() == BIG_LEN => {}
                    _ => return Err("the large message did not come back".into()),
                }
            }
        }
        assert_eq!(next()?, "close");
        drop(conns);
        drop(raw);
        println!("closed");
        Ok(())
    })
}

/// Pipelined small messages over one loopback connection: messages per
/// second the server reads, and write calls per message on the client.
fn pipelined(stack: Stack, messages: usize) -> Result<(f64, f64)> {
    let rt = runtime();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let calls = Arc::new(AtomicU64::new(0));
        let client = TcpStream::connect(addr).await?;
        let (server, _) = listener.accept().await?;
        let (read, write) = server.into_split();
        let mut rx = Conn::<Small, OwnedWriteHalf>::new(stack, read, write);
        let (read, write) = client.into_split();
        let counting = Counting {
            inner: write,
            calls: calls.clone(),
        };
        let mut tx = Conn::<Small, Counting<OwnedWriteHalf>>::new(stack, read, counting);
        let start = Instant::now();
        let reader = tokio::spawn(async move {
            let mut sum = 0u64;
            for _ in 0..messages {
                let m = rx.recv().await?.ok_or("closed early")?;
                sum = sum.wrapping_add(m.seq);
            }
            Ok::<_, Error>(sum)
        });
        let mut sent = 0;
        while sent < messages {
            let batch = BATCH.min(messages - sent);
            for seq in sent..sent + batch {
                tx.feed(small(1, seq)).await?;
            }
            tx.flush().await?;
            sent += batch;
        }
        let sum = reader.await??;
        let elapsed = start.elapsed().as_secs_f64();
        let want = (0..messages as u64).fold(0u64, |a, b| a.wrapping_add(b));
        if sum != want {
            return Err("messages lost or changed".into());
        }
        let calls = calls.load(Ordering::Relaxed) as f64;
        Ok((messages as f64 / elapsed, calls / messages as f64))
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--client") {
        let [_, kind, port, n] = &args[..] else {
            return Err("usage: --client KIND PORT N".into());
        };
        return client(kind, port.parse()?, n.parse()?);
    }
    watchdog("server");
    let arg = |i: usize, default: usize| -> Result<usize> {
        Ok(args
            .get(i)
            .map(|a| a.parse())
            .transpose()?
            .unwrap_or(default))
    };
    let wanted = arg(0, 10_000)?;
    let messages = arg(1, 2_000_000)?;
    let fds = raise_fd_limit();
    let n = wanted.min(fds.saturating_sub(64) as usize).max(1);
    if n < wanted {
        println!("open-file limit {fds}: {n} connections instead of {wanted}");
    }
    println!(
        "{n} connections ({SMALL} small messages each way, then 1 MiB each way on {}); \
         {messages} pipelined 16-byte messages, {BATCH} per flush",
        BIG.min(n)
    );

    println!("\nHeap per idle connection, server side (bytes; raw = a tokio socket alone):");
    println!(
        "| {:<26} | {:>9} | {:>14} | {:>12} |",
        "stack", "connected", "after small", "after 1 MiB"
    );
    println!("|{:-<28}|{:->11}|{:->16}|{:->14}|", "", ":", ":", ":");
    let raw = heap_run(None, n)?;
    // What this run checks besides printing (none of it timed).
    let mut missed = Vec::new();
    println!(
        "| {:<26} | {:>9.0} | {:>14.0} | {:>12.0} |",
        "raw", raw.connected, raw.after_small, raw.after_big
    );
    for stack in STACKS {
        let h = heap_run(Some(stack), n)?;
        println!(
            "| {:<26} | {:>9.0} | {:>14.0} | {:>12.0} |",
            stack.name(),
            h.connected,
            h.after_small,
            h.after_big
        );
        if h.leaked > 16 * n as i64 {
            println!(
                "  ({} bytes still held after every connection closed)",
                h.leaked
            );
        }
        // The futures adapter owns all its buffers: an idle connection
        // keeps at most 1 KiB more than a bare socket.
        let most = h.after_small.max(h.after_big) - raw.after_small;
        if stack == Stack::Futures && most > 1024.0 {
            missed.push(format!(
                "{}: {most:.0} bytes per idle connection",
                stack.name()
            ));
        }
    }

    println!("\nPipelined 16-byte messages (best of 3 rounds):");
    println!(
        "| {:<26} | {:>12} | {:>9} | {:>18} |",
        "stack", "messages/s", "vs bincode", "write calls / msg"
    );
    println!("|{:-<28}|{:->14}|{:->11}|{:->20}|", "", ":", ":", ":");
    let mut best = [(0f64, 0f64); STACKS.len()];
    for _ in 0..3 {
        for (i, stack) in STACKS.into_iter().enumerate() {
            let (rate, calls) = pipelined(stack, messages)?;
            if rate > best[i].0 {
                best[i] = (rate, calls);
            }
        }
    }
    let bincode = best[2].0;
    for (i, stack) in STACKS.into_iter().enumerate() {
        let (rate, calls) = best[i];
        println!(
            "| {:<26} | {:>12.0} | {:>8.2}x | {:>18.4} |",
            stack.name(),
            rate,
            rate / bincode,
            calls
        );
        // One write per flush: a flush every BATCH messages.
        if calls * messages as f64 > messages.div_ceil(BATCH) as f64 + 0.5 {
            missed.push(format!(
                "{}: {calls:.4} write calls per message",
                stack.name()
            ));
        }
    }
    if !missed.is_empty() {
        return Err(format!("missed: {}", missed.join("; ")).into());
    }
    Ok(())
}
