//! Finding where an `ascii` message ends without decoding it.
//!
//! A message is tokens separated by spaces and ends at a line end. The only
//! token that may hold a line end is a string or byte string, and its body
//! is skipped by its declared length, so the end of a message is the first
//! `"\n"` outside a string body. Strings start a token, after any `+`
//! marks of `Some`: `<digits>:` there is a netstring head. The decoder reads
//! a string only at such a place and with the same head, so on a
//! well-formed message the scan ends exactly where decoding does; on a
//! malformed one the decoder fails no later than the end the scan found.
//!
//! The scan keeps no state between calls other than a point where it can
//! resume: after the `+` marks at the start of a token, a point inside a
//! token that can no longer begin a string, or the end of a string body
//! still arriving (which is skipped, not read). So a message that arrives
//! in pieces is scanned about once in total: only a partial length, at
//! most 20 digits, is read again, and a call while a body arrives costs
//! nothing.

use crate::encoding::Scan;

/// Digits of a netstring length beyond which the decoder refuses it
/// anyway (`u64::MAX` has 20): a longer digit run is an ordinary token,
/// whether or not a `:` follows it, so the scan need not wait for one.
const MAX_LENGTH_DIGITS: usize = 20;

/// Scans `input` for the end of the message that starts at its front,
/// resuming at `from` (0, or the `resume` of an earlier [`Scan::Partial`]
/// on a prefix of `input`). A string whose body would end past `limit`
/// makes the message [`Scan::Ready`] for the decoder to refuse.
///
/// A resume point is a position times two, plus one when the position is
/// inside a token that can no longer start a string (so the scan skips to
/// the token's end instead of reading a string head there).
pub(crate) fn scan(input: &[u8], from: usize, limit: usize) -> Scan {
    let mut pos = from / 2;
    let mut in_token = from % 2 == 1;
    let found = loop {
        if in_token && pos > input.len() {
            // Resumed past a string body that has not all arrived yet.
            break partial(pos, true);
        }
        if !in_token {
            let start = pos;
            // `Some` marks, then maybe a netstring head.
            while input.get(pos) == Some(&b'+') {
                pos += 1;
            }
            let head = pos;
            let digits = input
                .get(pos..)
                .unwrap_or_default()
                .iter()
                .take(MAX_LENGTH_DIGITS + 1)
                .take_while(|b| b.is_ascii_digit())
                .count();
            pos += digits;
            match input.get(pos) {
                // The digits may go on, or a `:` may follow: not known yet.
                // The `+` marks before them are settled: resume after them.
                None if digits <= MAX_LENGTH_DIGITS => break partial(head, false),
                Some(b':') if (1..=MAX_LENGTH_DIGITS).contains(&digits) => {
                    let body_end = body_end(&input[head..pos], pos + 1);
                    let Some(body_end) = body_end.filter(|&end| end <= limit) else {
                        // A length no message can have: the decoder says so.
                        break Scan::Ready;
                    };
                    if body_end > input.len() {
                        // Skip the body without reading it when more comes;
                        // a resume point that would not fit a `usize` reads
                        // the head again instead.
                        break if body_end < usize::MAX / 2 {
                            partial(body_end, true)
                        } else {
                            partial(start, false)
                        };
                    }
                    pos = body_end;
                }
                _ => {}
            }
        }
        in_token = false;
        // The rest of the token, up to a space or the line end.
        match input
            .get(pos..)
            .unwrap_or_default()
            .iter()
            .position(|&b| b == b' ' || b == b'\n')
        {
            None => break partial(input.len(), true),
            Some(n) if input[pos + n] == b'\n' => break Scan::Complete(pos + n + 1),
            Some(n) => pos += n + 1,
        }
    };
    #[cfg(test)]
    crate::cost::scanned(match found {
        // Every other outcome read on to the end of the input.
        Scan::Complete(end) => end.saturating_sub(from / 2),
        _ => input.len().saturating_sub(from / 2),
    });
    found
}

/// A [`Scan::Partial`] resuming at `pos`, inside a token (or past a string
/// body) or at its start.
fn partial(pos: usize, in_token: bool) -> Scan {
    // `pos` is at most a slice's length, or a body end checked to fit.
    Scan::Partial {
        resume: pos * 2 + usize::from(in_token),
    }
}

/// Where the body of a netstring whose length has the decimal `digits`
/// ends, when the body starts at `body_start`; `None` when the length does
/// not fit a `usize`.
fn body_end(digits: &[u8], body_start: usize) -> Option<usize> {
    let len = digits.iter().try_fold(0usize, |n, &d| {
        n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
    })?;
    body_start.checked_add(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1000;

    fn at_once(input: &[u8]) -> Scan {
        scan(input, 0, LIMIT)
    }

    #[test]
    fn ends_at_the_first_line_end_outside_bodies() {
        assert_eq!(at_once(b"1 7 2:hi\nnext"), Scan::Complete(9));
        assert_eq!(at_once(b"3:a\nb 1\n"), Scan::Complete(8));
        assert_eq!(at_once(b"++2:\n\n\n"), Scan::Complete(7));
        assert_eq!(at_once(b"\n"), Scan::Complete(1));
        assert_eq!(at_once(b"1 2\r\n"), Scan::Complete(5));
        // A head glued after other bytes is not a string.
        assert_eq!(at_once(b"x3:a\nbc"), Scan::Complete(5));
    }

    #[test]
    fn partial_messages_need_more() {
        for input in [
            &b""[..],
            b"12",
            b"1 2 +5:ab",
            b"1 ~",
            b"1 -1",
            b"1 ",
            b"3:ab ",
        ] {
            assert!(matches!(at_once(input), Scan::Partial { .. }), "{input:?}");
        }
    }

    #[test]
    fn impossible_lengths_are_left_to_the_decoder() {
        assert_eq!(at_once(b"99999999999999999999:x"), Scan::Ready);
        assert!(matches!(at_once(b"1 994:x"), Scan::Partial { .. }));
        assert_eq!(at_once(b"1 995:x"), Scan::Ready);
        // 21 digits cannot be a length: an ordinary token.
        assert_eq!(at_once(b"123456789012345678901 1\n"), Scan::Complete(24));
    }

    /// Resuming after any split gives what one scan of the whole gives.
    #[test]
    fn resuming_equals_scanning_at_once() {
        let inputs: [&[u8]; 10] = [
            b"184467440737099999999:\x00\n",
            b"18446744073709999999:\x00\n",
            b"3:ab 5:c\nd e\n",
            b"1 -12:x\n",
            b"1 7 2:hi\n",
            b"+3:a\nb ++12:hello world! ~ 4 1.5e3\r\n",
            b"12345 678 10:0123456789\n",
            b"3:abc\n",
            b"x3:a\nbc\n",
            b"0: 1:\n 2\n",
        ];
        for input in inputs {
            let whole = at_once(input);
            for cut in 0..input.len() {
                let resume = match scan(&input[..cut], 0, LIMIT) {
                    Scan::Partial { resume } => resume,
                    other => {
                        assert_eq!(other, whole, "{input:?} cut at {cut}");
                        continue;
                    }
                };
                assert_eq!(scan(input, resume, LIMIT), whole, "{input:?} cut at {cut}");
            }
        }
    }
}
