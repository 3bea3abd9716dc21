//! [`EnumTags`]: the wire tags of an enum whose tags are not its variant
//! indices, bound to the enum's type.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::{self, Deserialize, Deserializer, Visitor};

use super::config::TagWidth;
use crate::error::{Error, ErrorKind, Result};

/// The wire tags of one enum's variants, when they are not the variant
/// indices: sparse opcodes (1 to 5, 0x10 and 0xFF), ASCII letters
/// (`b'Q'`), or a width other than the config's.
///
/// `tags[i]` is the tag of variant `i` (in declaration order). The table is
/// bound to the enum's type ([`EnumTags::of`], [`EnumTags::bytes`]): its
/// name and variants come from the enum's own `Deserialize`, so a renamed
/// enum keeps its table, and a table with a tag for each of fewer or more
/// variants than the enum has is an error
/// ([`ErrorKind::TagTableMismatch`]) the first time the enum is encoded or
/// decoded, never a wrong byte. The enum is found wherever it appears: the
/// message itself or a field deep inside it. See
/// [`Config::with_enum_tags`](super::Config::with_enum_tags).
///
/// Two variants with one tag cannot be told apart: such a table does not
/// compile when it is built in a `const`, and panics when built at run
/// time.
///
/// ```
/// use netwire::net::{Config, EnumTags, TagTable, TagWidth};
///
/// /// PostgreSQL's backend messages, by their type byte.
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// enum Backend {
///     Auth(u32),
///     Ready(u8),
/// }
///
/// const PG: Config<TagTable> = Config::new().with_enum_tags(&[EnumTags::bytes::<Backend>(b"RZ")]);
///
/// assert_eq!(PG.to_vec(&Backend::Ready(b'I'))?, b"ZI");
/// assert_eq!(PG.from_slice::<Backend>(b"R\0\0\0\0")?, Backend::Auth(0));
/// let err = PG.from_slice::<Backend>(b"EI").unwrap_err();
/// assert_eq!(err.to_string(), "tag 0x45 is not a tag of `Backend` (R, Z) at byte offset 0");
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct EnumTags {
    name: EnumName,
    width: TagWidth,
    tags: Tags,
}

/// Why a table bound to another type is refused.
const NOT_AN_ENUM: &str = "a tag table (EnumTags::of, EnumTags::bytes) is bound to a type that \
     is not an enum with a tag: bind it to the enum itself";

/// How a table names its enum.
#[derive(Clone, Copy)]
enum EnumName {
    /// By a string ([`EnumTags::new`]).
    Given(&'static str),
    /// By its type: serde says its name and variants.
    Of(fn() -> Option<Enum>),
}

/// An enum's name and variants, as serde gives them.
type Enum = (&'static str, &'static [&'static str]);

/// The tags, as they were given.
#[derive(Clone, Copy)]
enum Tags {
    Wide(&'static [u64]),
    Bytes(&'static [u8]),
}

impl Tags {
    const fn len(self) -> usize {
        match self {
            Tags::Wide(t) => t.len(),
            Tags::Bytes(t) => t.len(),
        }
    }

    const fn get(self, index: usize) -> Option<u64> {
        if index >= self.len() {
            return None;
        }
        Some(match self {
            Tags::Wide(t) => t[index],
            Tags::Bytes(t) => t[index] as u64,
        })
    }
}

impl EnumTags {
    /// The tags of the variants of enum `E`, each in `width` bytes.
    ///
    /// # Panics
    /// When two variants have one tag, or a tag does not fit `width`: a
    /// compile error when the table is built in a `const`.
    ///
    /// ```
    /// use netwire::net::{Config, EnumTags, TagTable, TagWidth};
    ///
    /// // TFTP's opcodes (RFC 1350): a `u16` from 1.
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// enum Packet {
    ///     Rrq(#[serde(with = "netwire::with::cstr")] String),
    ///     Wrq(#[serde(with = "netwire::with::cstr")] String),
    ///     Data(u16),
    ///     Ack(u16),
    /// }
    ///
    /// const TFTP: Config<TagTable> =
    ///     Config::new().with_enum_tags(&[EnumTags::of::<Packet>(TagWidth::U16, &[1, 2, 3, 4])]);
    /// assert_eq!(TFTP.to_vec(&Packet::Ack(7))?, [0, 4, 0, 7]);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    pub const fn of<E: Deserialize<'static>>(width: TagWidth, tags: &'static [u64]) -> Self {
        EnumTags {
            name: EnumName::Of(probe::<E>),
            width,
            tags: Tags::Wide(tags),
        }
        .checked()
    }

    /// The one-byte tags of the variants of enum `E`, as a byte string:
    /// `b"RZE"` gives the first variant `b'R'`, the second `b'Z'`...
    ///
    /// # Panics
    /// When two variants have one tag: a compile error when the table is
    /// built in a `const`.
    ///
    /// ```
    /// use netwire::net::{Config, EnumTags, TagTable};
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// enum Frontend {
    ///     Query(#[serde(with = "netwire::with::cstr")] String),
    ///     Sync,
    ///     Terminate,
    /// }
    ///
    /// const PG: Config<TagTable> = Config::new().with_enum_tags(&[EnumTags::bytes::<Frontend>(b"QSX")]);
    /// assert_eq!(PG.to_vec(&Frontend::Query("select 1".into()))?, b"Qselect 1\0");
    /// assert_eq!(PG.from_slice::<Frontend>(b"X")?, Frontend::Terminate);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    pub const fn bytes<E: Deserialize<'static>>(tags: &'static [u8]) -> Self {
        EnumTags {
            name: EnumName::Of(probe::<E>),
            width: TagWidth::U8,
            tags: Tags::Bytes(tags),
        }
        .checked()
    }

    /// The tags of the enum called `name`, each in `width` bytes.
    ///
    /// # Panics
    /// As [`EnumTags::of`].
    #[deprecated(
        since = "0.1.0",
        note = "a misspelt or renamed enum silently loses its table: use \
                `EnumTags::of::<Enum>(width, tags)` or `EnumTags::bytes::<Enum>(tags)`"
    )]
    pub const fn new(name: &'static str, width: TagWidth, tags: &'static [u64]) -> Self {
        EnumTags {
            name: EnumName::Given(name),
            width,
            tags: Tags::Wide(tags),
        }
        .checked()
    }

    /// Panics on two variants with one tag, or a tag too wide.
    const fn checked(self) -> Self {
        let mut i = 0;
        while i < self.tags.len() {
            let tag = match self.tags.get(i) {
                Some(tag) => tag,
                None => 0,
            };
            assert!(
                tag <= self.width.max(),
                "EnumTags: a tag does not fit the table's width"
            );
            let mut j = i + 1;
            while j < self.tags.len() {
                let same = match self.tags.get(j) {
                    Some(other) => other == tag,
                    None => false,
                };
                assert!(
                    !same,
                    "EnumTags: two variants have the same tag, and could not be told apart"
                );
                j += 1;
            }
            i += 1;
        }
        self
    }

    /// The enum's name, as serde gives it (its `#[serde(rename)]`, if
    /// any); empty when the table's type is not an enum.
    pub fn name(&self) -> &'static str {
        match self.name {
            EnumName::Given(name) => name,
            EnumName::Of(probe) => probe().map_or("", |(name, _)| name),
        }
    }

    /// The enum's variants, when the table is bound to its type.
    pub fn variants(&self) -> Option<&'static [&'static str]> {
        match self.name {
            EnumName::Given(_) => None,
            EnumName::Of(probe) => probe().map(|(_, variants)| variants),
        }
    }

    /// The width of its tags.
    pub const fn width(&self) -> TagWidth {
        self.width
    }

    /// The number of tags.
    pub const fn len(&self) -> usize {
        self.tags.len()
    }

    /// Whether there are no tags.
    pub const fn is_empty(&self) -> bool {
        self.tags.len() == 0
    }

    /// The tag of variant `index`.
    pub const fn tag(&self, index: usize) -> Option<u64> {
        self.tags.get(index)
    }

    /// The tag of each variant, by index.
    ///
    /// ```
    /// use netwire::net::EnumTags;
    ///
    /// #[derive(serde::Deserialize)]
    /// enum Op { Read, Write }
    /// let tags: Vec<u64> = EnumTags::bytes::<Op>(b"rw").tags().collect();
    /// assert_eq!(tags, [u64::from(b'r'), u64::from(b'w')]);
    /// ```
    pub fn tags(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        (0..self.len()).map(|i| self.tag(i).unwrap_or_default())
    }

    /// The variant index of `tag`.
    pub fn index_of(&self, tag: u64) -> Option<usize> {
        match self.tags {
            Tags::Wide(t) => t.iter().position(|&t| t == tag),
            Tags::Bytes(t) => t.iter().position(|&t| u64::from(t) == tag),
        }
    }

    /// The table of the enum serde calls `name` in `tables`, if any.
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] when a table is bound to a type that is
    /// not an enum: its enum would silently go without it.
    pub(crate) fn find(tables: &'static [EnumTags], name: &str) -> Result<Option<&'static Self>> {
        for table in tables {
            match table.name() {
                "" => return Err(Error::without_offset(ErrorKind::Unsupported(NOT_AN_ENUM))),
                n if n == name => return Ok(Some(table)),
                _ => {}
            }
        }
        Ok(None)
    }

    /// Checks the table against its enum, which has `variants` variants
    /// (or as many as its type says).
    ///
    /// # Errors
    /// [`ErrorKind::TagTableMismatch`] when the counts differ.
    pub(crate) fn check_count(&self, variants: Option<usize>) -> Result<()> {
        let variants = variants.or_else(|| self.variants().map(<[_]>::len));
        match variants {
            Some(n) if n != self.len() => Err(self.mismatch(n)),
            _ => Ok(()),
        }
    }

    #[cold]
    fn mismatch(&self, variants: usize) -> Error {
        Error::without_offset(ErrorKind::TagTableMismatch {
            enum_name: self.name(),
            tags: self.len(),
            variants,
        })
    }

    /// The words of an error about `tag`, read where this table's enum
    /// was: "tag 0x45 is not a tag of `Backend` (R, Z)".
    #[cold]
    pub(crate) fn unknown(&self, tag: u64) -> String {
        use fmt::Write;
        let mut text = format!("tag {tag:#04x} is not a tag of `{}` (", self.name());
        for (i, t) in self.tags().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            match self.tags {
                Tags::Bytes(_) if t < 0x80 && (t as u8).is_ascii_graphic() => {
                    text.push(char::from(t as u8));
                }
                _ => {
                    let _ = write!(text, "{t:#04x}");
                }
            }
        }
        text.push(')');
        text
    }
}

impl fmt::Debug for EnumTags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnumTags")
            .field("name", &self.name())
            .field("width", &self.width)
            .field("tags", &self.tags().collect::<Vec<_>>())
            .finish()
    }
}

/// Tables are equal when they name the same enum and give it the same
/// tags in the same width.
impl PartialEq for EnumTags {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
            && self.width == other.width
            && self.tags().eq(other.tags())
            && self.variants() == other.variants()
    }
}

impl Eq for EnumTags {}

impl Hash for EnumTags {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name().hash(state);
        self.width.hash(state);
        for tag in self.tags() {
            tag.hash(state);
        }
    }
}

/// The name and variants serde gives enum `E`: its `Deserialize` is begun
/// on a deserializer that stops at `deserialize_enum`. `None` when `E` is
/// not an enum with a tag.
fn probe<E: Deserialize<'static>>() -> Option<Enum> {
    match E::deserialize(Probe) {
        Err(Stop(found)) => found,
        Ok(_) => None,
    }
}

/// The deserializer of [`probe`].
struct Probe;

/// How [`Probe`] ends: with the enum it was asked for, if any.
#[derive(Debug)]
struct Stop(Option<Enum>);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an enum")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop(None)
    }
}

impl<'de> Deserializer<'de> for Probe {
    type Error = Stop;

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        _visitor: V,
    ) -> std::result::Result<V::Value, Stop> {
        Err(Stop(Some((name, variants))))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> std::result::Result<V::Value, Stop> {
        Err(Stop(None))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(rename = "Wire")]
    #[allow(dead_code)]
    enum Renamed {
        A,
        B(u8),
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct NotAnEnum(u8);

    #[test]
    fn a_typed_table_takes_the_name_and_variants_serde_gives() {
        let t = EnumTags::bytes::<Renamed>(b"ab");
        assert_eq!(t.name(), "Wire");
        assert_eq!(t.variants(), Some(&["A", "B"][..]));
        assert!(t.check_count(None).is_ok());
        let short = EnumTags::bytes::<Renamed>(b"a");
        assert_eq!(
            short.check_count(None).unwrap_err().kind(),
            &ErrorKind::TagTableMismatch {
                enum_name: "Wire",
                tags: 1,
                variants: 2
            }
        );
        let not = EnumTags::of::<NotAnEnum>(TagWidth::U8, &[1]);
        assert_eq!((not.name(), not.variants()), ("", None));
    }

    #[test]
    #[should_panic(expected = "same tag")]
    fn a_table_with_two_variants_on_one_tag_is_refused_when_built() {
        let _ = EnumTags::of::<Renamed>(TagWidth::U16, &[5, 5]);
    }

    #[test]
    #[should_panic(expected = "width")]
    fn a_tag_too_wide_for_its_width_is_refused_when_built() {
        let _ = EnumTags::of::<Renamed>(TagWidth::U8, &[1, 256]);
    }

    #[test]
    fn the_words_for_an_unknown_tag_name_the_enum_and_its_tags() {
        assert_eq!(
            EnumTags::bytes::<Renamed>(b"R\x01").unknown(0x5a),
            "tag 0x5a is not a tag of `Wire` (R, 0x01)"
        );
        assert_eq!(
            EnumTags::of::<Renamed>(TagWidth::U16, &[1, 0x300]).unknown(7),
            "tag 0x07 is not a tag of `Wire` (0x01, 0x300)"
        );
    }
}
