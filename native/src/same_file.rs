//! Which paths name the same file: the guard that keeps a command's outputs off its inputs
//! and off each other.
//!
//! watt only ever reads its inputs (the data, the schema, the key file, `.env`), and each of
//! its outputs must land whole in a file of its own. A path compared as text misses most
//! ways two paths meet: `./s.csv` and `s.csv`, `dir/../s.csv`, a symbolic link, a hard link.
//! So every path is turned into an [`Identity`] first: the device and inode of a file that
//! exists (what the kernel itself compares, so hard links and links of links are the same
//! file), or, for an output that does not exist yet, the absolute path it will be created
//! at once its symbolic links and `..` are resolved. Two outputs that do not exist yet meet
//! when they will be created at the same place (`-o X --report X`).
//!
//! Standard input and output (`-`) and character devices, FIFOs and sockets
//! (`-o /dev/null`) are streams, not files: writing to one destroys nothing, so they are
//! never refused.

use std::path::{Component, Path, PathBuf};

use crate::error::CliError;

/// What a path names, for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Identity {
    /// An existing regular file (or folder), by device and inode.
    File { device: u64, inode: u64 },
    /// A file that does not exist yet: where it will be created.
    New(PathBuf),
    /// Standard input or output, a device, a FIFO or a socket.
    Stream,
}

impl Identity {
    fn of(path: &Path) -> Identity {
        if path.as_os_str() == "-" {
            return Identity::Stream;
        }
        // `metadata` follows symbolic links: it describes the file written to or read.
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() || meta.is_dir() => file_identity(path, &meta),
            Ok(_) => Identity::Stream,
            Err(_) => Identity::New(where_created(path)),
        }
    }
}

#[cfg(unix)]
fn file_identity(_path: &Path, meta: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    Identity::File {
        device: meta.dev(),
        inode: meta.ino(),
    }
}

#[cfg(not(unix))]
fn file_identity(path: &Path, _meta: &std::fs::Metadata) -> Identity {
    // Without inodes, existing files are compared by their canonical path (hard links are
    // not seen).
    Identity::New(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Where a file that does not exist yet will be created: dangling symbolic links followed,
/// then the folder made canonical (it exists, or the write fails anyway) and `..` and `.`
/// resolved in what is left.
fn where_created(path: &Path) -> PathBuf {
    let target = link_target(path).unwrap_or_else(|_| path.to_path_buf());
    let absolute = std::path::absolute(&target).unwrap_or(target);
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        return lexically_normal(&absolute);
    };
    match std::fs::canonicalize(parent) {
        Ok(dir) => dir.join(name),
        Err(_) => lexically_normal(&absolute),
    }
}

/// `a/b/../c` as `a/c`, without asking the file system.
fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The file a path names once its symbolic links are followed, even to a file that does not
/// exist yet (a link made ahead of the output).
pub fn link_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut target = path.to_path_buf();
    // As many links as the kernel follows (ELOOP past that).
    for _ in 0..40 {
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&target)?;
                target = match target.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            _ => return Ok(target),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// A file a command reads or writes, and what it is to the command ("the data file", "the
/// report"), for the message.
#[derive(Debug, Clone, Copy)]
pub struct Role<'a> {
    pub what: &'static str,
    pub path: &'a Path,
}

impl<'a> Role<'a> {
    pub fn new(what: &'static str, path: &'a Path) -> Role<'a> {
        Role { what, path }
    }
}

/// The `.env` file of the working directory, an input of every command that may read a
/// setting or the key from it.
pub fn dot_env() -> Role<'static> {
    Role::new("the .env file", Path::new(".env"))
}

/// Refuses (exit 2) when an output names the same file as an input or as another output.
/// Inputs that do not exist are skipped: nothing can be lost there.
pub fn refuse_overlaps(inputs: &[Role<'_>], outputs: &[Role<'_>]) -> Result<(), CliError> {
    let inputs: Vec<(Role<'_>, Identity)> = inputs
        .iter()
        .map(|r| (*r, Identity::of(r.path)))
        .filter(|(_, id)| matches!(id, Identity::File { .. }))
        .collect();
    let mut seen: Vec<(Role<'_>, Identity)> = Vec::with_capacity(outputs.len());
    for output in outputs {
        let id = Identity::of(output.path);
        if id == Identity::Stream {
            continue;
        }
        let clash = inputs
            .iter()
            .map(|(r, i)| (r, i, true))
            .chain(seen.iter().map(|(r, i)| (r, i, false)))
            .find(|(_, other, _)| **other == id);
        if let Some((other, _, is_input)) = clash {
            return Err(CliError::OutputOverlaps {
                output: output.what,
                path: output.path.display().to_string(),
                other: other.what,
                other_path: other.path.display().to_string(),
                input: is_input,
            });
        }
        seen.push((*output, id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(inputs: &[Role<'_>], outputs: &[Role<'_>]) -> Option<String> {
        refuse_overlaps(inputs, outputs)
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn every_way_of_naming_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("s.csv");
        std::fs::write(&data, "a\n1\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&data, &hard).unwrap();
        let soft = dir.path().join("soft.csv");
        std::os::unix::fs::symlink(&data, &soft).unwrap();
        let inputs = [Role::new("the data file", &data)];
        for name in [
            data.clone(),
            dir.path().join("sub/../s.csv"),
            dir.path().join("./s.csv"),
            hard,
            soft,
        ] {
            let message = refused(&inputs, &[Role::new("the report", &name)])
                .unwrap_or_else(|| panic!("{} accepted", name.display()));
            assert!(
                message.contains("the report") && message.contains("the data file"),
                "{message}"
            );
        }
        let other = dir.path().join("other.json");
        assert_eq!(refused(&inputs, &[Role::new("the report", &other)]), None);
    }

    #[test]
    fn two_outputs_at_one_new_place_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let out = dir.path().join("m.csv");
        let same = dir.path().join("sub/../m.csv");
        let message = refused(
            &[],
            &[
                Role::new("the minimised CSV", &out),
                Role::new("the report", &same),
            ],
        )
        .unwrap();
        assert!(message.contains("goes there too"), "{message}");
        // A dangling link to where the other output goes.
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        assert!(
            refused(
                &[],
                &[
                    Role::new("the minimised CSV", &out),
                    Role::new("the report", &link),
                ],
            )
            .is_some()
        );
        assert_eq!(
            refused(
                &[],
                &[
                    Role::new("the minimised CSV", &out),
                    Role::new("the report", &dir.path().join("r.json")),
                ],
            ),
            None
        );
    }

    #[test]
    fn streams_are_never_refused() {
        let null = Path::new("/dev/null");
        let stdout = Path::new("-");
        assert_eq!(
            refused(
                &[Role::new("the data file", stdout)],
                &[
                    Role::new("the minimised CSV", null),
                    Role::new("the report", null),
                    Role::new("the schema", stdout),
                ],
            ),
            None
        );
    }

    #[test]
    fn missing_inputs_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join(".env");
        let out = dir.path().join("out.csv");
        assert_eq!(
            refused(
                &[Role::new("the .env file", &env)],
                &[Role::new("the minimised CSV", &out)]
            ),
            None
        );
    }

    #[test]
    fn paths_are_made_normal_without_the_file_system() {
        assert_eq!(
            lexically_normal(Path::new("/a/b/../c/./d")),
            Path::new("/a/c/d")
        );
    }
}
