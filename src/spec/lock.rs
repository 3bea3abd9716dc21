//! The lockfile check: [`check_lockfile`].

use std::fmt;
use std::path::{Path, PathBuf};

use super::{Change, Spec, Verdict};

/// The environment variable that makes [`check_lockfile`] write the
/// lockfile instead of checking it: `NETWIRE_LOCK=update`.
pub const LOCK_ENV: &str = "NETWIRE_LOCK";

/// Why [`check_lockfile`] failed: the lockfile is missing, unreadable, or
/// describes another layout. Its `Display` (and `Debug`, so that
/// `unwrap()` in a test prints it readably) lists every change, one per
/// line, and how to accept them.
#[derive(Clone, PartialEq, Eq)]
pub struct LockfileError {
    path: PathBuf,
    problem: String,
    changes: Vec<Change>,
}

impl LockfileError {
    /// The lockfile.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The differences between the lockfile (old) and the spec (new);
    /// empty when the file is missing or unreadable.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Whether some change lets a reader misread, or neither side read
    /// the other ([`Verdict::Breaking`]).
    pub fn is_breaking(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.verdict() == Verdict::Breaking)
    }
}

impl fmt::Display for LockfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.path.display(), self.problem)?;
        for c in &self.changes {
            writeln!(f, "  {c}")?;
        }
        write!(
            f,
            "if this is intended, run the test again with {LOCK_ENV}=update and commit {}",
            self.path.display()
        )
    }
}

impl fmt::Debug for LockfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for LockfileError {}

/// Checks `spec` against the lockfile at `path` (a JSON document written
/// by [`Spec::to_json`], committed with the code): passes when the
/// document is the same, and fails with every change, located and
/// classified ([`Spec::compare`]), when it is not. With the environment
/// variable `NETWIRE_LOCK=update` it writes the document instead (creating
/// the directories) and passes; review and commit the file. Under
/// `CI=true` it refuses to rewrite a file that differs: a lockfile that CI
/// rewrites checks nothing.
///
/// In a test (a relative `path` is from the crate's root, where `cargo
/// test` runs):
///
/// ```no_run
/// # use netwire::net::Config;
/// # use netwire::spec::{Framing, Spec};
/// # #[derive(serde::Deserialize)] enum Msg { Ping(u32) }
/// #[test]
/// fn the_wire_format_is_locked() {
///     let spec = Spec::new("chat", Config::new(), Framing::length_prefix_u32())
///         .message::<Msg>()
///         .unwrap();
///     netwire::spec::check_lockfile("wire/chat.json", &spec).unwrap();
/// }
/// ```
///
/// # Errors
/// [`LockfileError`] when the file is missing, is not a spec, or differs;
/// or, when updating, cannot be written.
pub fn check_lockfile(path: impl AsRef<Path>, spec: &Spec) -> Result<(), LockfileError> {
    let path = path.as_ref();
    let fail = |problem: String, changes: Vec<Change>| LockfileError {
        path: path.to_path_buf(),
        problem,
        changes,
    };
    let json = spec.to_json();
    if std::env::var(LOCK_ENV).is_ok_and(|v| v == "update") {
        if std::fs::read_to_string(path).is_ok_and(|old| old == json) {
            return Ok(());
        }
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            // A lockfile rewritten by CI checks nothing.
            return Err(fail(
                format!("{LOCK_ENV}=update under CI=true: not rewritten"),
                Vec::new(),
            ));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| fail(format!("cannot create its directory: {e}"), Vec::new()))?;
        }
        return std::fs::write(path, json)
            .map_err(|e| fail(format!("cannot write it: {e}"), Vec::new()));
    }
    let old = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot read the lockfile: {e}"), Vec::new()))?;
    // A checkout that turned line ends into CRLF holds the same document.
    if old.replace("\r\n", "\n") == json {
        return Ok(());
    }
    let old = Spec::from_json(&old).map_err(|e| fail(format!("not a spec: {e}"), Vec::new()))?;
    let changes = spec.compare(&old);
    let breaking = changes
        .iter()
        .filter(|c| c.verdict() == Verdict::Breaking)
        .count();
    let problem = format!(
        "the wire layout differs from the lockfile ({} change(s), {breaking} breaking):",
        changes.len()
    );
    Err(fail(problem, changes))
}
