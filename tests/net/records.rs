//! `netwire::with::records`: arrays of zerocopy records written and read
//! in one copy, byte for byte as their serde twins of plain numbers, and
//! bounded by the limit before anything is allocated.

use crate::support::io::{ScriptedReader, Step};
use netwire::ErrorKind;
use netwire::net::{self, Config, LengthWidth};
use quickcheck::{Arbitrary, Gen, QuickCheck};
use serde::{Deserialize, Serialize};
use zerocopy::network_endian::{F32, I16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A triangle with a normal, a material and an id: 54 bytes.
#[derive(FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned, Clone, Copy, Debug)]
#[repr(C)]
struct Tri {
    v: [[F32; 3]; 3],
    n: [F32; 3],
    material: I16,
    id: U32,
}

impl PartialEq for Tri {
    /// Bit for bit, NaNs included.
    fn eq(&self, other: &Tri) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

/// [`Tri`] as serde sees plain numbers.
#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
struct TriPlain {
    v: [[f32; 3]; 3],
    n: [f32; 3],
    material: i16,
    id: u32,
}

impl From<TriPlain> for Tri {
    fn from(t: TriPlain) -> Tri {
        Tri {
            v: t.v.map(|p| p.map(F32::new)),
            n: t.n.map(F32::new),
            material: I16::new(t.material),
            id: U32::new(t.id),
        }
    }
}

impl Arbitrary for TriPlain {
    fn arbitrary(g: &mut Gen) -> TriPlain {
        let mut f = || f32::from_bits(u32::arbitrary(g));
        TriPlain {
            v: [[f(), f(), f()], [f(), f(), f()], [f(), f(), f()]],
            n: [f(), f(), f()],
            material: i16::arbitrary(g),
            id: u32::arbitrary(g),
        }
    }
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Mesh {
    head: u8,
    #[serde(with = "netwire::with::records")]
    tris: Vec<Tri>,
    tail: u16,
}

#[derive(Serialize, Deserialize, Debug)]
struct MeshTwin {
    head: u8,
    tris: Vec<TriPlain>,
    tail: u16,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct MeshRef<'a> {
    head: u8,
    #[serde(borrow, with = "netwire::with::records")]
    tris: &'a [Tri],
    tail: u16,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct MeshBox {
    head: u8,
    #[serde(with = "netwire::with::records")]
    tris: Box<[Tri]>,
    tail: u16,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Three {
    #[serde(with = "netwire::with::records")]
    tris: [Tri; 3],
    tail: u16,
}

#[derive(Serialize, Deserialize, Debug)]
struct ThreeTwin {
    tris: [TriPlain; 3],
    tail: u16,
}

fn mesh(twin: &MeshTwin) -> Mesh {
    Mesh {
        head: twin.head,
        tris: twin.tris.iter().map(|&t| t.into()).collect(),
        tail: twin.tail,
    }
}

fn twin(head: u8, tris: Vec<TriPlain>, tail: u16) -> MeshTwin {
    MeshTwin { head, tris, tail }
}

const WIDTHS: [LengthWidth; 4] = [
    LengthWidth::U8,
    LengthWidth::U16,
    LengthWidth::U32,
    LengthWidth::U64,
];

#[test]
fn records_write_and_read_the_bytes_of_their_serde_twin() {
    fn prop(head: u8, tris: Vec<TriPlain>, tail: u16) -> bool {
        let twin = twin(head, tris, tail);
        let mesh = mesh(&twin);
        for width in WIDTHS {
            let config = Config::new().with_length_width(width);
            let expected = config.to_vec(&twin).unwrap();
            let wire = config.to_vec(&mesh).unwrap();
            assert_eq!(wire, expected, "{width:?}");
            assert_eq!(config.encoded_len(&mesh).unwrap(), wire.len());
            let mut buf = vec![0; wire.len()];
            assert_eq!(config.to_slice(&mesh, &mut buf).unwrap(), &wire[..]);
            assert_eq!(config.from_slice::<Mesh>(&wire).unwrap(), mesh);
            let boxed: MeshBox = config.from_slice(&wire).unwrap();
            assert_eq!(&boxed.tris[..], &mesh.tris[..]);
            assert_eq!(config.to_vec(&boxed).unwrap(), wire);
            let view: MeshRef<'_> = config.from_slice(&wire).unwrap();
            assert_eq!(view.tris, &mesh.tris[..]);
            assert_eq!(config.to_vec(&view).unwrap(), wire);
            // Borrowed: the records are the input's own bytes.
            let at = view.tris.as_bytes().as_ptr() as usize - wire.as_ptr() as usize;
            assert_eq!(at, 1 + width.size());
        }
        true
    }
    QuickCheck::new()
        .tests(200)
        .quickcheck(prop as fn(u8, Vec<TriPlain>, u16) -> bool);
}

#[test]
fn arrays_of_records_have_no_count() {
    fn prop(tris: (TriPlain, TriPlain, TriPlain), tail: u16) -> bool {
        let twin = ThreeTwin {
            tris: [tris.0, tris.1, tris.2],
            tail,
        };
        let three = Three {
            tris: twin.tris.map(Tri::from),
            tail,
        };
        let wire = net::to_vec(&three).unwrap();
        assert_eq!(wire, net::to_vec(&twin).unwrap());
        assert_eq!(wire.len(), 3 * 54 + 2);
        net::from_slice::<Three>(&wire).unwrap() == three
    }
    QuickCheck::new().quickcheck(prop as fn((TriPlain, TriPlain, TriPlain), u16) -> bool);
}

/// One record of 6 bytes, the example of the module docs.
#[derive(
    FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned, Clone, Copy, Debug, PartialEq,
)]
#[repr(C)]
struct Sample {
    id: zerocopy::network_endian::U16,
    value: F32,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Samples(#[serde(with = "netwire::with::records")] Vec<Sample>);

fn samples() -> Samples {
    Samples(vec![
        Sample {
            id: 1.into(),
            value: F32::new(1.5),
        },
        Sample {
            id: 2.into(),
            value: F32::new(-2.0),
        },
    ])
}

#[test]
fn an_empty_run_of_records_is_its_count_alone() {
    let wire = net::to_vec(&Samples(Vec::new())).unwrap();
    assert_eq!(wire, [0, 0, 0, 0]);
    assert_eq!(net::from_slice::<Samples>(&wire).unwrap(), Samples(vec![]));
}

#[test]
fn records_read_from_a_reader_one_byte_per_read() {
    let wire = net::to_vec(&samples()).unwrap();
    let reader = ScriptedReader::new(wire.clone(), [Step::Bytes(1)]);
    let back: Samples = net::from_reader(reader).unwrap();
    assert_eq!(back, samples());
}

#[test]
fn every_truncation_of_records_is_an_unexpected_end() {
    let wire = net::to_vec(&samples()).unwrap();
    for cut in 0..wire.len() {
        let e = net::from_slice::<Samples>(&wire[..cut]).unwrap_err();
        assert!(e.is_eof(), "cut {cut}: {e}");
        if cut >= 4 {
            // The count was read: the whole run is needed, from the count.
            assert_eq!(e.offset(), Some(0), "cut {cut}");
            assert_eq!(e.needed(), Some(wire.len() as u64), "cut {cut}");
        }
        let reader = ScriptedReader::new(wire[..cut].to_vec(), [Step::Bytes(1)]);
        assert!(net::from_reader::<_, Samples>(reader).unwrap_err().is_eof());
    }
}

#[test]
fn a_count_whose_records_pass_the_limit_is_refused_at_the_count() {
    // 20 records of 6 bytes do not fit a limit of 100 bytes, though the
    // count alone would.
    let mut wire = vec![9, 0, 0, 0, 20];
    wire.resize(5 + 120, 0);
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Late(u8, #[serde(with = "netwire::with::records")] Vec<Sample>);
    let config = Config::new().with_limit(100);
    let e = config.from_slice::<Late>(&wire).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::LengthOverLimit { .. }), "{e}");
    assert_eq!(e.offset(), Some(1));
    let e = config
        .from_reader::<_, Late>(ScriptedReader::new(wire.clone(), [Step::Bytes(1)]))
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::LengthOverLimit { .. }), "{e}");
    assert_eq!(e.offset(), Some(1));
}

#[test]
fn a_hostile_count_is_refused_before_any_read_or_allocation() {
    for width in WIDTHS {
        let config = Config::new().with_length_width(width);
        let mut wire = vec![0xff; width.size()];
        wire.extend([1, 2, 3]);
        let from_slice = config.from_slice::<Samples>(&wire).unwrap_err();
        let from_reader = config.from_reader::<_, Samples>(&wire[..]).unwrap_err();
        for e in [from_slice, from_reader] {
            assert_eq!(e.offset(), Some(0), "{width:?}: {e}");
            let max = u64::MAX >> (64 - 8 * width.size());
            let needed = max.saturating_mul(6).saturating_add(width.size() as u64);
            if needed <= config.limit() as u64 {
                // The count is the largest of its width and its records
                // fit the default limit: the input ends.
                assert_eq!(e.needed(), Some(needed), "{e}");
            } else {
                assert!(
                    matches!(e.kind(), ErrorKind::LengthOverLimit { .. }),
                    "{width:?}: {e}"
                );
            }
        }
    }
}

#[test]
fn a_count_too_wide_for_the_length_width_is_an_encode_error_as_for_the_twin() {
    let config = Config::new().with_length_width(LengthWidth::U8);
    let many = Samples(vec![samples().0[0]; 256]);
    let e = config.to_vec(&many).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::LengthOverflow { .. }), "{e}");
    let plain = vec![(1u16, 1.5f32); 256];
    let e = config.to_vec(&plain).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::LengthOverflow { .. }), "{e}");
    assert_eq!(
        config
            .to_vec(&Samples(vec![samples().0[0]; 255]))
            .unwrap()
            .len(),
        1 + 255 * 6
    );
}

#[test]
fn other_formats_read_back_records_element_by_element() {
    let json = serde_json::to_string(&samples()).unwrap();
    assert_eq!(json, "[[0,1,63,192,0,0],[0,2,192,0,0,0]]");
    assert_eq!(serde_json::from_str::<Samples>(&json).unwrap(), samples());

    let mesh = mesh(&twin(
        3,
        vec![TriPlain {
            v: [[1.0; 3]; 3],
            n: [0.5; 3],
            material: -1,
            id: 7,
        }],
        9,
    ));
    let json = serde_json::to_string(&mesh).unwrap();
    assert_eq!(serde_json::from_str::<Mesh>(&json).unwrap(), mesh);
    let boxed: MeshBox = serde_json::from_str(&json).unwrap();
    assert_eq!(&boxed.tris[..], &mesh.tris[..]);
    let e = serde_json::from_str::<MeshRef<'_>>(&json).unwrap_err();
    assert!(e.to_string().contains("borrowed slice of records"), "{e}");
    // A record of the wrong size is an error, not a guess.
    assert!(serde_json::from_str::<Samples>("[[0,1,63,192,0]]").is_err());
    assert!(serde_json::from_str::<Samples>("[[0,1,63,192,0,0,0]]").is_err());

    let three = Three {
        tris: [mesh.tris[0]; 3],
        tail: 1,
    };
    let json = serde_json::to_string(&three).unwrap();
    assert_eq!(serde_json::from_str::<Three>(&json).unwrap(), three);

    let ascii = netwire::ascii::to_vec(&samples()).unwrap();
    assert_eq!(
        netwire::ascii::from_slice::<Samples>(&ascii).unwrap(),
        samples()
    );
    let ascii = netwire::ascii::to_vec(&three).unwrap();
    assert_eq!(netwire::ascii::from_slice::<Three>(&ascii).unwrap(), three);

    let post = postcard::to_allocvec(&mesh).unwrap();
    assert_eq!(postcard::from_bytes::<Mesh>(&post).unwrap(), mesh);
    let post = postcard::to_allocvec(&three).unwrap();
    assert_eq!(postcard::from_bytes::<Three>(&post).unwrap(), three);
}

#[cfg(feature = "spec")]
#[test]
fn the_spec_describes_records_as_their_element_layout() {
    use netwire::spec::{Framing, Spec};
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Report(#[serde(with = "netwire::with::records")] Vec<Sample>);
    let spec = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<Report>()
        .unwrap()
        .example(&samples())
        .unwrap();
    let md = spec.markdown();
    // A count, then 6 bytes per record: the layout of the element form.
    assert!(
        md.contains("| `0` | `Vec<[u8; 6]>` | 0 | count (4-byte"),
        "{md}"
    );
    assert!(
        md.contains("00 00 00 02 00 01 3f c0 00 00 00 02 c0 00 00 00"),
        "{md}"
    );
}
