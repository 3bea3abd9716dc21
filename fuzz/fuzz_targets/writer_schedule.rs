//! `FrameWriter` and `MessageWriter` over every framing
//! (`netwire_fuzz::framings`) into a writer that follows the input's
//! script (`netwire_fuzz::writer::Script`: short writes, `Ok(0)`,
//! `Interrupted`, `WouldBlock`, `TimedOut`, vectored writes taken in part
//! across the buffers or from the first only), with payloads and messages
//! from the input, small and ≥ 4096 bytes (the vectored path), written
//! with the documented retry loop, queued, and flushed.
//!
//! Checked after every call: the bytes taken are a prefix of the frames
//! accepted so far, and with the bytes pending make all of them: each
//! frame exactly once, in order (`position()` agrees); a transient error
//! queues nothing; a refusal is the framing's (or encoding's) own error
//! for that payload on its own; `flush` returns `Ok` only with nothing
//! pending; the retry loops end within the script's length. After
//! `WriteZero` the bytes are a prefix of the frames. At the end the bytes
//! are exactly the frames, and read back as the payloads, or as the
//! messages accepted: what an encoder writes, its decoder reads.
//!
//! Input: framing pick, config selection, flags (bit 0 messages, bit 1
//! `ascii`, bit 2 vectored across buffers, bits 4-5 frame limit, bits 6-7
//! fixed frame length), the script (`arbitrary`'s `Vec<u8>`), then the
//! operations.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use netwire::Encoding;
use netwire::frame::{FrameDecoder, FrameEncoder};
use netwire::message::SelfDelimited;
use netwire_fuzz::framings::{self, Visit};
use netwire_fuzz::writer::{self, MsgSpec, Op, Script, WStep};
use netwire_fuzz::{MAX_LIMIT, ascii_config, net_config};

/// At most this many operations, and this many large payloads, per run.
const MAX_OPS: usize = 24;
const MAX_BIG: usize = 3;

/// Payload operations: a byte for the kind, then a length and the bytes
/// (or, for a large payload, its length and first byte).
fn payload_ops(u: &mut Unstructured<'_>) -> Vec<Op<Vec<u8>>> {
    let mut ops = Vec::new();
    let mut big = 0;
    while !u.is_empty() && ops.len() < MAX_OPS {
        let Ok(kind) = u8::arbitrary(u) else { break };
        let small = |u: &mut Unstructured<'_>| {
            let len = usize::from(u8::arbitrary(u).unwrap_or(0) % 48);
            u.bytes(len.min(u.len())).unwrap_or_default().to_vec()
        };
        ops.push(match kind % 8 {
            0..=2 => Op::Write(small(u)),
            3 if big < MAX_BIG => {
                big += 1;
                let len = u16::arbitrary(u).unwrap_or(0);
                let seed = u8::arbitrary(u).unwrap_or(0);
                Op::Write(writer::big(len, seed))
            }
            3..=5 => Op::Queue(small(u)),
            6 if big < MAX_BIG => {
                big += 1;
                let len = u16::arbitrary(u).unwrap_or(0);
                let seed = u8::arbitrary(u).unwrap_or(0);
                Op::Queue(writer::big(len, seed))
            }
            _ => Op::Flush,
        });
    }
    ops
}

/// Message operations: a byte for the kind, then the message.
fn message_ops(u: &mut Unstructured<'_>) -> Vec<Op<writer::Msg>> {
    let mut ops = Vec::new();
    let mut big = 0;
    while !u.is_empty() && ops.len() < MAX_OPS {
        let Ok(kind) = u8::arbitrary(u) else { break };
        if kind % 4 == 3 {
            ops.push(Op::Flush);
            continue;
        }
        let Ok(spec) = MsgSpec::arbitrary(u) else {
            break;
        };
        if matches!(spec, MsgSpec::Big { .. }) {
            if big == MAX_BIG {
                continue;
            }
            big += 1;
        }
        let m = spec.build();
        ops.push(if kind % 4 == 2 {
            Op::Queue(m)
        } else {
            Op::Write(m)
        });
    }
    ops
}

struct Check<'a, E> {
    pick: u8,
    encoding: E,
    scans: bool,
    messages: bool,
    across: bool,
    steps: Vec<WStep>,
    u: Unstructured<'a>,
}

impl<E: Encoding + Clone> Visit for Check<'_, E> {
    type Out = ();

    fn framed<F>(mut self, framing: F, _head: usize)
    where
        F: FrameDecoder + FrameEncoder + Clone,
    {
        let script = Script::new(self.steps, self.across);
        // All payloads read back as one frame.
        let until_close = self.pick % framings::COUNT == framings::UNTIL_CLOSE;
        if self.messages {
            let ops = message_ops(&mut self.u);
            let count = ops.iter().filter(|o| !matches!(o, Op::Flush)).count();
            let reader = (!until_close || count <= 1).then(|| framing.clone());
            writer::messages(&framing, reader, &self.encoding, script, &ops);
        } else {
            let ops = payload_ops(&mut self.u);
            writer::frames(&framing, script, &ops, until_close);
        }
    }

    fn self_delimited(mut self, framing: SelfDelimited, _: bool) {
        let script = Script::new(self.steps, self.across);
        if self.messages {
            let ops = message_ops(&mut self.u);
            // Read back the way the encoding allows.
            let reader = if self.scans {
                SelfDelimited::new()
            } else {
                SelfDelimited::retrying()
            };
            writer::messages(&framing, Some(reader), &self.encoding, script, &ops);
        } else {
            // Raw payloads have no reader without frames: check the bytes.
            let ops = payload_ops(&mut self.u);
            writer::bytes_only(&framing, script, &ops);
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let (Ok(pick), Ok(sel), Ok(flags)) = (
        u8::arbitrary(&mut u),
        u8::arbitrary(&mut u),
        u8::arbitrary(&mut u),
    ) else {
        return;
    };
    let Ok(script) = Vec::<u8>::arbitrary(&mut u) else {
        return;
    };
    let steps = script.into_iter().map(WStep::from_byte).collect();
    let max = [MAX_LIMIT, 8192, 64, 3][usize::from(flags >> 4 & 3)];
    let fixed = [1, 4, 16, 4500][usize::from(flags >> 6)];
    let messages = flags & 1 != 0;
    let across = flags & 4 != 0;
    if flags & 2 == 0 {
        let check = Check {
            pick,
            encoding: net_config(sel),
            scans: false,
            messages,
            across,
            steps,
            u,
        };
        framings::pick(pick, max, fixed, false, check);
    } else {
        let check = Check {
            pick,
            encoding: ascii_config(sel),
            scans: true,
            messages,
            across,
            steps,
            u,
        };
        framings::pick(pick, max, fixed, true, check);
    }
});
