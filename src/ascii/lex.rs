//! Number pieces of the `ascii` decoder: digit accumulation with checked
//! arithmetic, signed conversion, and float text to value.

use std::str::FromStr;

use crate::error::ErrorKind;

/// An unsigned accumulator for decimal digits.
pub(crate) trait Accumulate: Copy + From<u64> {
    const ZERO: Self;
    fn from_digit(digit: u8) -> Self;
    /// `self * 10 + digit`, or `None` on overflow.
    fn push_digit(self, digit: u8) -> Option<Self>;
}

macro_rules! accumulate {
    ($($t:ty),*) => {$(
        impl Accumulate for $t {
            const ZERO: Self = 0;
            #[inline]
            fn from_digit(digit: u8) -> Self {
                Self::from(digit)
            }
            #[inline]
            fn push_digit(self, digit: u8) -> Option<Self> {
                self.checked_mul(10)?.checked_add(Self::from(digit))
            }
        }
    )*};
}
accumulate!(u64, u128);

/// The `i64` with magnitude `magnitude` and the given sign, if it fits.
#[inline]
pub(crate) fn signed_i64(magnitude: u64, negative: bool) -> Option<i64> {
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// The `i128` with magnitude `magnitude` and the given sign, if it fits.
#[inline]
pub(crate) fn signed_i128(magnitude: u128, negative: bool) -> Option<i128> {
    if negative {
        0i128.checked_sub_unsigned(magnitude)
    } else {
        i128::try_from(magnitude).ok()
    }
}

// ---- whole-token scans over an in-memory input ---------------------------
//
// Each returns `None` for anything unusual (a missing separator, a number
// too long for the quick path, a token that reaches the end of the input, a
// malformed token): the decoder then reads the same bytes one at a time,
// which accepts exactly the same tokens and names every error. So these
// scans only need to be right about what they accept.

/// Whether `byte` may follow a token (the end of the input may too, but the
/// quick paths leave that case to the byte-wise path).
#[inline]
fn delimits(byte: Option<&u8>) -> bool {
    matches!(byte, Some(b' ' | b'\n' | b'\r'))
}

/// `rest` after the separating space when one is due.
#[inline]
pub(crate) fn after_sep(rest: &[u8], sep: bool) -> Option<&[u8]> {
    match (sep, rest.split_first()) {
        (false, _) => Some(rest),
        (true, Some((b' ', tail))) => Some(tail),
        (true, _) => None,
    }
}

/// The canonical unsigned number at the front of `tok` (`0` or
/// `[1-9][0-9]*`) and its digit count, if it has at most 19 digits: those
/// cannot overflow a `u64`, so no digit needs a check.
#[inline(always)]
pub(crate) fn quick_digits(tok: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    let mut n = 0;
    for &b in tok.iter().take(20) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        n += 1;
    }
    let canonical = match tok.first() {
        Some(b'0') => n == 1,
        _ => n >= 1,
    };
    (canonical && n <= 19).then_some((value, n))
}

/// A separator (when due) and a whole unsigned number token followed by a
/// delimiter: the value and the bytes to consume (separator and digits).
#[inline]
pub(crate) fn quick_unsigned(rest: &[u8], sep: bool) -> Option<(u64, usize)> {
    let tok = after_sep(rest, sep)?;
    let (value, n) = quick_digits(tok)?;
    delimits(tok.get(n)).then_some((value, n + usize::from(sep)))
}

/// As [`quick_unsigned`] for a signed token: magnitude, sign and the bytes
/// to consume.
#[inline]
pub(crate) fn quick_signed(rest: &[u8], sep: bool) -> Option<(u64, bool, usize)> {
    let tok = after_sep(rest, sep)?;
    let (negative, digits) = match tok.split_first() {
        Some((b'-', digits)) => (true, digits),
        _ => (false, tok),
    };
    if negative && digits.first() == Some(&b'0') {
        return None;
    }
    let (value, n) = quick_digits(digits)?;
    let taken = n + usize::from(negative) + usize::from(sep);
    delimits(digits.get(n)).then_some((value, negative, taken))
}

/// A float token's digits as `mantissa × 10^exp10`, when the mantissa
/// took at most 19 digits (so it is exact) and the exponent is small.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Decimal {
    pub(crate) negative: bool,
    pub(crate) mantissa: u64,
    pub(crate) exp10: i32,
}

/// The digits of `tok` from `from` on, accumulated into `acc` (wrapping:
/// the caller counts digits to know whether it is exact). Returns how many.
#[inline]
fn digit_run(tok: &[u8], from: usize, acc: &mut u64) -> usize {
    let mut n = 0;
    for &b in tok.get(from..).unwrap_or_default() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        *acc = acc.wrapping_mul(10).wrapping_add(u64::from(digit));
        n += 1;
    }
    n
}

/// A finite float token at the front of `tok`
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?(e-?[0-9]+)?`) followed by a delimiter:
/// its length and, when it fits, its [`Decimal`] value.
#[inline]
pub(crate) fn quick_float(tok: &[u8]) -> Option<(usize, Option<Decimal>)> {
    let negative = tok.first() == Some(&b'-');
    let mut i = usize::from(negative);
    let mut mantissa = 0u64;
    let mut digits = 1;
    match tok.get(i) {
        Some(b'0') => i += 1,
        Some(&b @ b'1'..=b'9') => {
            mantissa = u64::from(b - b'0');
            let n = digit_run(tok, i + 1, &mut mantissa);
            digits += n;
            i += 1 + n;
        }
        _ => return None,
    }
    let mut fraction = 0;
    if tok.get(i) == Some(&b'.') {
        fraction = digit_run(tok, i + 1, &mut mantissa);
        if fraction == 0 {
            return None;
        }
        digits += fraction;
        i += 1 + fraction;
    }
    let mut exp = 0u64;
    let mut exp_digits = 0;
    let mut exp_negative = false;
    if tok.get(i) == Some(&b'e') {
        i += 1;
        if tok.get(i) == Some(&b'-') {
            exp_negative = true;
            i += 1;
        }
        exp_digits = digit_run(tok, i, &mut exp);
        if exp_digits == 0 {
            return None;
        }
        i += exp_digits;
    }
    if !delimits(tok.get(i)) {
        return None;
    }
    let exact = (digits <= 19 && exp_digits <= 4).then(|| {
        // |exp| < 10^4 and fraction < 20: no overflow in i32.
        let exp = exp as i32;
        let exp = if exp_negative { -exp } else { exp };
        Decimal {
            negative,
            mantissa,
            exp10: exp - fraction as i32,
        }
    });
    Some((i, exact))
}

/// The powers of ten that an `f64` holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `mantissa × 10^exp10` as the nearest `f64`, when one IEEE operation on
/// exact operands gives it (mantissa ≤ 2^53, |exp10| ≤ 22): Clinger's fast
/// path, correctly rounded like the standard library's parser.
#[inline]
fn exact_f64(d: Decimal) -> Option<f64> {
    if d.mantissa > 1 << 53 {
        return None;
    }
    let m = d.mantissa as f64;
    let power = POW10.get(d.exp10.unsigned_abs() as usize)?;
    let value = if d.exp10 < 0 { m / power } else { m * power };
    Some(if d.negative { -value } else { value })
}

/// `f32` and `f64` from a token/// `f32` and `f64` from a token the decoder has already checked against the
/// float grammar.
pub(crate) trait Float: FromStr {
    const NAN: Self;
    const INFINITY: Self;
    const NEG_INFINITY: Self;
    fn is_infinite(&self) -> bool;

    /// The nearest value to `d` when it can be had without the standard
    /// parser (see [`exact_f64`]); `None` sends the token to [`Float::parse`].
    fn exact(d: Decimal) -> Option<Self>;

    /// The value of `text`; a finite spelling whose value rounds to infinity
    /// is out of range (only `inf`/`-inf` mean infinity).
    fn parse(text: &[u8]) -> Result<Self, ErrorKind> {
        match text {
            b"NaN" => Ok(Self::NAN),
            b"inf" => Ok(Self::INFINITY),
            b"-inf" => Ok(Self::NEG_INFINITY),
            _ => {
                let text = std::str::from_utf8(text).map_err(|_| ErrorKind::InvalidNumber)?;
                let value: Self = text.parse().map_err(|_| ErrorKind::InvalidNumber)?;
                if value.is_infinite() {
                    Err(ErrorKind::NumberOutOfRange)
                } else {
                    Ok(value)
                }
            }
        }
    }
}

impl Float for f64 {
    const NAN: Self = f64::NAN;
    const INFINITY: Self = f64::INFINITY;
    const NEG_INFINITY: Self = f64::NEG_INFINITY;
    fn is_infinite(&self) -> bool {
        f64::is_infinite(*self)
    }
    #[inline]
    fn exact(d: Decimal) -> Option<Self> {
        exact_f64(d)
    }
}

impl Float for f32 {
    const NAN: Self = f32::NAN;
    const INFINITY: Self = f32::INFINITY;
    const NEG_INFINITY: Self = f32::NEG_INFINITY;
    fn is_infinite(&self) -> bool {
        f32::is_infinite(*self)
    }
    /// Rounds the exact `f64` (a value between 10^-22 and 2^53·10^22, so a
    /// normal `f32`, or zero). Rounding twice gives the nearest `f32` unless
    /// the `f64` lies exactly halfway between two `f32`s: then the exact
    /// value may not, and the standard parser decides.
    #[inline]
    fn exact(d: Decimal) -> Option<Self> {
        let wide = exact_f64(d)?;
        let halfway = wide.to_bits() & 0x1fff_ffff == 0x1000_0000;
        (!halfway).then_some(wide as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accumulate_stops_at_overflow() {
        let max = u64::MAX / 10;
        assert_eq!(max.push_digit(5), Some(u64::MAX));
        assert_eq!(max.push_digit(6), None);
        assert_eq!((u64::MAX).push_digit(0), None);
    }

    #[test]
    fn signed_edges() {
        assert_eq!(signed_i64(1 << 63, true), Some(i64::MIN));
        assert_eq!(signed_i64(1 << 63, false), None);
        assert_eq!(signed_i64((1 << 63) + 1, true), None);
        assert_eq!(signed_i128(1 << 127, true), Some(i128::MIN));
        assert_eq!(signed_i128(1 << 127, false), None);
    }

    /// `text` followed by a space through the quick scan: its length must be
    /// the whole text, and every value the fast path gives must be the
    /// standard parser's, bit for bit.
    fn quick_matches_std(text: &str) -> (Option<f32>, Option<f64>) {
        let tok = format!("{text} ");
        let (len, exact) = quick_float(tok.as_bytes()).expect(text);
        assert_eq!(len, text.len(), "{text}");
        let narrow = exact.and_then(f32::exact);
        let wide = exact.and_then(f64::exact);
        if let Some(v) = narrow {
            assert_eq!(
                v.to_bits(),
                text.parse::<f32>().unwrap().to_bits(),
                "{text}"
            );
        }
        if let Some(v) = wide {
            assert_eq!(
                v.to_bits(),
                text.parse::<f64>().unwrap().to_bits(),
                "{text}"
            );
        }
        (narrow, wide)
    }

    #[test]
    fn fast_path_floats_are_correctly_rounded() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut narrow, mut wide) = (0, 0);
        // Fewer rounds under Miri, where each standard-library parse is slow.
        let rounds = if cfg!(miri) { 400 } else { 20_000 };
        for _ in 0..rounds {
            let f = f32::from_bits(next() as u32);
            if f.is_finite() {
                let (n, _) = quick_matches_std(ryu::Buffer::new().format_finite(f));
                narrow += usize::from(n.is_some());
            }
            let f = f64::from_bits(next());
            if f.is_finite() {
                quick_matches_std(ryu::Buffer::new().format_finite(f));
            }
            // Short decimals near the fast path's edges.
            let digits = next() % 10u64.pow(1 + (next() % 19) as u32);
            let exp = (next() % 60) as i32 - 30;
            let (_, w) = quick_matches_std(&format!("{digits}e{exp}"));
            wide += usize::from(w.is_some());
        }
        // The fast path is actually taken.
        assert!(
            narrow > rounds / 20 && wide > rounds / 20,
            "{narrow} {wide}"
        );
        // 2^24 + 1 is halfway between two f32s: the standard parser decides.
        assert_eq!(quick_matches_std("16777217"), (None, Some(16777217.0)));
        assert_eq!(quick_matches_std("-0.0"), (Some(-0.0), Some(-0.0)));
        assert_eq!(quick_matches_std("1e23").1, None);
        assert_eq!(quick_matches_std("0.12345678901234567890").0, None);
    }

    #[test]
    fn float_text() {
        assert_eq!(f64::parse(b"1.5"), Ok(1.5));
        assert_eq!(f64::parse(b"-inf"), Ok(f64::NEG_INFINITY));
        assert!(f64::parse(b"NaN").is_ok_and(f64::is_nan));
        assert_eq!(f64::parse(b"1e999"), Err(ErrorKind::NumberOutOfRange));
        assert_eq!(f32::parse(b"1e39"), Err(ErrorKind::NumberOutOfRange));
        assert_eq!(f32::parse(b"1e-999"), Ok(0.0));
    }
}
