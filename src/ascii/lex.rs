//! Number pieces of the `ascii` decoder: digit accumulation with checked
//! arithmetic, signed conversion, and float text to value.

use std::str::FromStr;

use crate::error::ErrorKind;

/// An unsigned accumulator for decimal digits.
pub(crate) trait Accumulate: Copy {
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

/// `f32` and `f64` from a token the decoder has already checked against the
/// float grammar.
pub(crate) trait Float: FromStr {
    const NAN: Self;
    const INFINITY: Self;
    const NEG_INFINITY: Self;
    fn is_infinite(&self) -> bool;

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

macro_rules! float {
    ($($t:ty),*) => {$(
        impl Float for $t {
            const NAN: Self = <$t>::NAN;
            const INFINITY: Self = <$t>::INFINITY;
            const NEG_INFINITY: Self = <$t>::NEG_INFINITY;
            fn is_infinite(&self) -> bool {
                <$t>::is_infinite(*self)
            }
        }
    )*};
}
float!(f32, f64);

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
