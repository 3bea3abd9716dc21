//! Stack bound: every decoder (`net` and `ascii` from a slice, a string and
//! a reader, and the stream reader with both, framed and self-delimited),
//! fed a million nested tags of a recursive type, stops with `DepthLimit`
//! inside a thread whose stack is only 128 KiB (in a debug build, where
//! frames are largest). A decoder that
//! recursed once per tag would overflow that stack and abort the test
//! binary.

use std::thread;

use netwire::ErrorKind;
use netwire::frame::LengthPrefixed;
use netwire::message::SelfDelimited;
use netwire::net::Config;
use netwire::stream::MessageReader;
use serde::{Deserialize, Serialize};

/// A million levels of nesting.
const TAGS: usize = 1_000_000;

/// The stack of the decoding thread.
const STACK: usize = 128 * 1024;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Tree {
    Leaf,
    Node(Box<Tree>, Box<Tree>),
}

/// Recursion through `Some`.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Chain(Option<Box<Chain>>);

/// Recursion through a sequence.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Nest(Vec<Nest>);

/// Runs `decode` in a thread with a 128 KiB stack and returns the error
/// kind it gave.
fn on_small_stack<F>(decode: F) -> ErrorKind
where
    F: FnOnce() -> Option<netwire::Error> + Send + 'static,
{
    let handle = thread::Builder::new()
        .name("small-stack".into())
        .stack_size(STACK)
        .spawn(decode)
        .expect("spawn the decoding thread");
    let err = handle
        .join()
        .expect("the decoder panicked")
        .expect("a million nested tags decoded");
    err.kind().clone()
}

/// `Node` is variant 1: a run of 1s opens a million nodes (default u8
/// tags), each node's first child being the next.
fn tree_tags() -> Vec<u8> {
    vec![1; TAGS]
}

#[test]
fn net_from_slice_tree() {
    let kind = on_small_stack(|| netwire::net::from_slice::<Tree>(&tree_tags()).err());
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
}

#[test]
fn net_take_from_slice_tree() {
    let kind = on_small_stack(|| netwire::net::take_from_slice::<Tree>(&tree_tags()).err());
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
}

#[test]
fn net_from_reader_tree() {
    let kind = on_small_stack(|| {
        let input = tree_tags();
        netwire::net::from_reader::<_, Tree>(&input[..]).err()
    });
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
}

#[test]
fn net_bincode_layout_tree() {
    // u32 tags: 00 00 00 01 per node.
    let input: Vec<u8> = [0, 0, 0, 1].repeat(TAGS);
    let kind = on_small_stack(move || {
        let config = Config::bincode_legacy();
        config
            .from_slice::<Tree>(&input)
            .err()
            .filter(|e| e.kind() == &ErrorKind::DepthLimit(Config::DEFAULT_DEPTH))
            .and_then(|_| config.from_reader::<_, Tree>(&input[..]).err())
    });
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
}

/// The same million `Node` tags as `ascii` text: "1 1 1 ... 1".
fn ascii_tree_tags() -> Vec<u8> {
    let mut text = b"1 ".repeat(TAGS);
    text.pop();
    text.push(b'\n');
    text
}

#[test]
fn ascii_from_slice_tree() {
    let kind = on_small_stack(|| netwire::ascii::from_slice::<Tree>(&ascii_tree_tags()).err());
    assert_eq!(
        kind,
        ErrorKind::DepthLimit(netwire::ascii::Config::DEFAULT_DEPTH)
    );
}

#[test]
fn ascii_take_from_slice_and_str_tree() {
    let kind = on_small_stack(|| {
        let input = ascii_tree_tags();
        let text = std::str::from_utf8(&input).expect("ASCII");
        netwire::ascii::take_from_slice::<Tree>(&input)
            .err()
            .filter(|e| matches!(e.kind(), ErrorKind::DepthLimit(_)))
            .and_then(|_| netwire::ascii::from_str::<Tree>(text).err())
    });
    assert_eq!(
        kind,
        ErrorKind::DepthLimit(netwire::ascii::Config::DEFAULT_DEPTH)
    );
}

#[test]
fn ascii_from_reader_tree() {
    let kind = on_small_stack(|| {
        let input = ascii_tree_tags();
        netwire::ascii::from_reader::<_, Tree>(&input[..]).err()
    });
    assert_eq!(
        kind,
        ErrorKind::DepthLimit(netwire::ascii::Config::DEFAULT_DEPTH)
    );
}

/// One length-prefixed frame holding `payload`.
fn framed(payload: Vec<u8>) -> Vec<u8> {
    let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
    frame.extend(payload);
    frame
}

#[test]
fn stream_net_self_delimited_and_framed() {
    let kind = on_small_stack(|| {
        let input = tree_tags();
        MessageReader::new(&input[..], SelfDelimited::retrying())
            .read::<Tree>()
            .err()
    });
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
    let kind = on_small_stack(|| {
        let input = framed(tree_tags());
        MessageReader::new(&input[..], LengthPrefixed::u32())
            .read::<Tree>()
            .err()
    });
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
}

#[test]
fn stream_ascii_self_delimited_and_framed() {
    let ascii = netwire::ascii::Config::new();
    let kind = on_small_stack(move || {
        let input = ascii_tree_tags();
        MessageReader::with_encoding(&input[..], SelfDelimited::new(), ascii)
            .read::<Tree>()
            .err()
    });
    assert_eq!(
        kind,
        ErrorKind::DepthLimit(netwire::ascii::Config::DEFAULT_DEPTH)
    );
    let kind = on_small_stack(move || {
        let input = framed(ascii_tree_tags());
        MessageReader::with_encoding(&input[..], LengthPrefixed::u32(), ascii)
            .read::<Tree>()
            .err()
    });
    assert_eq!(
        kind,
        ErrorKind::DepthLimit(netwire::ascii::Config::DEFAULT_DEPTH)
    );
}

/// With a depth limit of 64 the ascii decoders stop in time too.
#[test]
fn ascii_tree_with_depth_64_fits_the_small_stack() {
    let ascii = netwire::ascii::Config::new().with_depth(64);
    let kind = on_small_stack(move || {
        let input = ascii_tree_tags();
        ascii
            .from_slice::<Tree>(&input)
            .err()
            .filter(|e| e.kind() == &ErrorKind::DepthLimit(64))
            .and_then(|_| ascii.from_reader::<_, Tree>(&input[..]).err())
            .filter(|e| e.kind() == &ErrorKind::DepthLimit(64))
            .and_then(|_| {
                MessageReader::with_encoding(&input[..], SelfDelimited::new(), ascii)
                    .read::<Tree>()
                    .err()
            })
    });
    assert_eq!(kind, ErrorKind::DepthLimit(64));
}

#[test]
fn net_options_and_sequences() {
    // Some, Some, Some, ...
    let kind = on_small_stack(|| netwire::net::from_slice::<Chain>(&vec![1; TAGS]).err());
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
    // A one-element sequence holding a one-element sequence, ..., from a
    // reader and from a slice (whose sequences also keep room for small
    // elements).
    let kind = on_small_stack(|| {
        let input = [0, 0, 0, 1].repeat(TAGS);
        netwire::net::from_reader::<_, Nest>(&input[..]).err()
    });
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
    let kind = on_small_stack(|| {
        let input = [0, 0, 0, 1].repeat(TAGS);
        netwire::net::from_slice::<Nest>(&input).err()
    });
    assert_eq!(kind, ErrorKind::DepthLimit(Config::DEFAULT_DEPTH));
}

/// A smaller limit stops sooner, from a slice and from a reader.
#[test]
fn tree_with_depth_64_fits_the_small_stack() {
    let kind = on_small_stack(|| {
        let config = Config::new().with_depth(64);
        let input = tree_tags();
        config
            .from_slice::<Tree>(&input)
            .err()
            .filter(|e| e.kind() == &ErrorKind::DepthLimit(64))
            .and_then(|_| config.from_reader::<_, Tree>(&input[..]).err())
    });
    assert_eq!(kind, ErrorKind::DepthLimit(64));
}

#[test]
fn within_the_limit_still_decodes() {
    // 50 nested nodes (each with a leaf as second child) are fine.
    let mut input = vec![1u8; 50];
    input.extend(vec![0u8; 51]);
    let tree = on_small_stack_ok(input);
    let mut depth = 0;
    let mut at = &tree;
    while let Tree::Node(left, right) = at {
        assert_eq!(**right, Tree::Leaf);
        depth += 1;
        at = left;
    }
    assert_eq!(depth, 50);
}

fn on_small_stack_ok(input: Vec<u8>) -> Tree {
    thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || netwire::net::from_slice::<Tree>(&input).expect("50 levels decode"))
        .expect("spawn")
        .join()
        .expect("no panic")
}
