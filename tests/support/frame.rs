//! Drivers shared by the framing tests: feed a decoder its input in chunks,
//! the way a socket delivers it, and collect what comes out.

use std::ops::Range;

use bytes::{Bytes, BytesMut};
use netwire::frame::{FrameDecoder, FrameEncoder, Span};
use netwire::{ErrorKind, Result};

/// Encodes every payload into one byte string, returning it and the offset
/// where each frame ends.
pub fn encode_all<E: FrameEncoder>(enc: &mut E, payloads: &[Vec<u8>]) -> (Vec<u8>, Vec<usize>) {
    let mut wire = BytesMut::new();
    let mut ends = Vec::new();
    for p in payloads {
        enc.encode(p, &mut wire).expect("valid payload encodes");
        ends.push(wire.len());
    }
    (wire.to_vec(), ends)
}

/// `wire` cut into chunks whose sizes cycle through `sizes` (1 byte at a
/// time when `sizes` is empty; a size of 0 counts as 1).
fn chunks<'a>(wire: &'a [u8], sizes: &'a [usize]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = wire;
    let mut sizes = sizes.iter().copied().cycle();
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let size = sizes.next().unwrap_or(1).max(1);
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        rest = tail;
        Some(chunk)
    })
}

/// Feeds `wire` to `dec` in chunks whose sizes cycle through `sizes`
/// (1 byte at a time when `sizes` is empty), decoding after every chunk
/// until the decoder needs more, then calls `decode_eof` until it is done.
/// Returns the frames and the bytes left in the buffer.
pub fn decode_chunked<D: FrameDecoder>(
    dec: &mut D,
    wire: &[u8],
    sizes: &[usize],
) -> Result<(Vec<Bytes>, BytesMut)> {
    let mut src = BytesMut::new();
    let mut frames = Vec::new();
    for chunk in chunks(wire, sizes) {
        src.extend_from_slice(chunk);
        // Bounded: each successful call removes at least one byte, or the
        // frame is empty, which only strategies with a header produce.
        for _ in 0..=wire.len() + 1 {
            match dec.decode(&mut src)? {
                Some(f) => frames.push(f),
                None => break,
            }
        }
    }
    for _ in 0..=wire.len() + 1 {
        match dec.decode_eof(&mut src)? {
            Some(f) => frames.push(f),
            None => break,
        }
    }
    Ok((frames, src))
}

/// The same as [`decode_chunked`] through the span interface: the input
/// grows in a plain `Vec`, frames are read out of it at the offsets
/// `decode_span` reports and consumed by moving a start offset, the way the
/// stream reader does, less the decoder's [`FrameDecoder::gap`]. Every
/// span must fit the input it was found in.
pub fn decode_spans_chunked<D: FrameDecoder>(
    dec: &mut D,
    wire: &[u8],
    sizes: &[usize],
) -> Result<(Vec<Vec<u8>>, Vec<u8>)> {
    fn take(frames: &mut Vec<Vec<u8>>, src: &[u8], span: Span, gap: Option<Range<usize>>) -> usize {
        assert!(span.len > 0, "a span covers at least one byte");
        assert!(
            span.len <= src.len(),
            "span {span:?} past {} bytes",
            src.len()
        );
        assert!(span.payload.start <= span.payload.end && span.payload.end <= span.len);
        let mut payload = src[span.payload].to_vec();
        if let Some(gap) = gap {
            payload.drain(gap);
        }
        frames.push(payload);
        span.len
    }
    let mut buf = Vec::new();
    let mut start = 0;
    let mut frames = Vec::new();
    for chunk in chunks(wire, sizes) {
        buf.extend_from_slice(chunk);
        for _ in 0..=wire.len() + 1 {
            match dec.decode_span(&buf[start..])? {
                Some(span) => start += take(&mut frames, &buf[start..], span, dec.gap()),
                None => break,
            }
        }
    }
    for _ in 0..=wire.len() + 1 {
        match dec.decode_span_eof(&buf[start..])? {
            Some(span) => start += take(&mut frames, &buf[start..], span, dec.gap()),
            None => break,
        }
    }
    Ok((frames, buf.split_off(start)))
}

/// Runs [`decode_chunked`] and [`decode_spans_chunked`] on fresh copies of
/// `fresh` and checks that they agree: the same frames and leftover bytes,
/// or the same error kind at the same offset.
pub fn check_span_agrees<D: FrameDecoder + Clone>(fresh: &D, wire: &[u8], sizes: &[usize]) -> bool {
    let by_buf = decode_chunked(&mut fresh.clone(), wire, sizes);
    let by_span = decode_spans_chunked(&mut fresh.clone(), wire, sizes);
    match (by_buf, by_span) {
        (Ok((frames, rest)), Ok((span_frames, span_rest))) => {
            frames.len() == span_frames.len()
                && frames.iter().zip(&span_frames).all(|(a, b)| a[..] == b[..])
                && rest[..] == span_rest[..]
        }
        (Err(a), Err(b)) => a.kind() == b.kind() && a.offset() == b.offset(),
        _ => false,
    }
}

/// Checks `decode_eof` after every prefix of a valid stream: at a frame
/// boundary the frames so far come out and the end is clean; inside a frame
/// the error is `Truncated` with the bytes of that frame received so far,
/// and its full size when the decoder reports one.
pub fn check_eof_at_every_offset<D: FrameDecoder + Clone>(
    fresh: &D,
    payloads: &[Vec<u8>],
    wire: &[u8],
    ends: &[usize],
) {
    for cut in 0..=wire.len() {
        let mut dec = fresh.clone();
        let result = decode_chunked(&mut dec, &wire[..cut], &[cut.max(1)]);
        let done = ends.iter().filter(|&&e| e <= cut).count();
        let start = if done == 0 { 0 } else { ends[done - 1] };
        if cut == start {
            let (frames, rest) = result.unwrap_or_else(|e| panic!("cut {cut}: {e}"));
            assert_eq!(frames.len(), done, "cut {cut}");
            for (f, p) in frames.iter().zip(payloads) {
                assert_eq!(&f[..], &p[..], "cut {cut}");
            }
            assert!(rest.is_empty());
        } else {
            let err = result.expect_err("a cut inside a frame is an error");
            let frame_len = (ends[done] - start) as u64;
            match err.kind() {
                ErrorKind::Truncated { received, expected } => {
                    assert_eq!(*received, (cut - start) as u64, "cut {cut}");
                    assert!(
                        expected.is_none() || *expected == Some(frame_len),
                        "cut {cut}: expected {expected:?}, frame is {frame_len}"
                    );
                }
                other => panic!("cut {cut}: {other:?}"),
            }
            assert_eq!(err.offset(), Some(0), "cut {cut}");
        }
    }
}

/// Runs the chunking properties against framing strategies:
/// `name => fresh codec, payload fitter;` where the fitter turns an
/// arbitrary byte string into a payload the strategy can carry.
#[macro_export]
macro_rules! framing_properties {
    ($($name:ident => $make:expr, $fit:expr;)*) => {$(
        mod $name {
            use super::*;
            use quickcheck::{QuickCheck, TestResult};

            fn payloads(raw: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
                let fit: fn(Vec<u8>) -> Vec<u8> = $fit;
                raw.into_iter().take(12).map(fit).collect()
            }

            fn round_trip(raw: Vec<Vec<u8>>, sizes: Vec<u8>) -> TestResult {
                let payloads = payloads(raw);
                let (wire, _) = $crate::support::frame::encode_all(&mut $make, &payloads);
                let sizes: Vec<usize> = sizes.iter().map(|&s| 1 + s as usize % 23).collect();
                for sizes in [&sizes[..], &[1][..], &[wire.len()][..]] {
                    let (frames, rest) =
                        $crate::support::frame::decode_chunked(&mut $make, &wire, sizes).unwrap();
                    if !rest.is_empty() || frames.len() != payloads.len() {
                        return TestResult::failed();
                    }
                    for (f, p) in frames.iter().zip(&payloads) {
                        if &f[..] != &p[..] {
                            return TestResult::failed();
                        }
                    }
                }
                TestResult::passed()
            }

            #[test]
            fn any_chunking_gives_the_encoded_payloads() {
                QuickCheck::new().quickcheck(round_trip as fn(Vec<Vec<u8>>, Vec<u8>) -> TestResult);
            }

            fn garbage(input: Vec<u8>, sizes: Vec<u8>) -> bool {
                let sizes: Vec<usize> = sizes.iter().map(|&s| 1 + s as usize % 5).collect();
                match $crate::support::frame::decode_chunked(&mut $make, &input, &sizes) {
                    // Frames never hold more bytes than came in.
                    Ok((frames, rest)) => {
                        frames.iter().map(|f| f.len()).sum::<usize>() + rest.len() <= input.len()
                    }
                    Err(e) => e.offset().is_some(),
                }
            }

            #[test]
            fn arbitrary_input_ends_in_frames_or_a_located_error() {
                QuickCheck::new().quickcheck(garbage as fn(Vec<u8>, Vec<u8>) -> bool);
            }

            fn span_agrees(raw: Vec<Vec<u8>>, garbage: Vec<u8>, sizes: Vec<u8>) -> bool {
                let payloads = payloads(raw);
                let (wire, _) = $crate::support::frame::encode_all(&mut $make, &payloads);
                let sizes: Vec<usize> = sizes.iter().map(|&s| 1 + s as usize % 23).collect();
                let mut damaged = wire.clone();
                damaged.extend_from_slice(&garbage);
                [&sizes[..], &[1][..], &[wire.len().max(1)][..]].iter().all(|sizes| {
                    $crate::support::frame::check_span_agrees(&$make, &wire, sizes)
                        && $crate::support::frame::check_span_agrees(&$make, &damaged, sizes)
                        && $crate::support::frame::check_span_agrees(&$make, &garbage, sizes)
                })
            }

            #[test]
            fn span_and_buffer_decoding_agree_under_any_chunking() {
                QuickCheck::new().quickcheck(span_agrees as fn(Vec<Vec<u8>>, Vec<u8>, Vec<u8>) -> bool);
            }

            #[test]
            fn eof_at_every_offset() {
                let raw = vec![b"hello".to_vec(), Vec::new(), b"a\r\nb\0c".to_vec(), vec![0xff; 40]];
                let payloads = payloads(raw);
                let (wire, ends) = $crate::support::frame::encode_all(&mut $make, &payloads);
                $crate::support::frame::check_eof_at_every_offset(&$make, &payloads, &wire, &ends);
            }
        }
    )*};
}
