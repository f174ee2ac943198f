//! The one way gatelint reads a file. Every read — a scanned file, a path named on the command
//! line, or a file a suite, scenario, flag or token option refers to — goes through a
//! [`Reader`], which:
//!
//! - confines reads to the workspace: the working directory, the paths the user passed and the
//!   git repositories they lie in (a file outside any repository brings its directory); a path
//!   that leaves them is refused before anything is opened;
//! - follows no symbolic link: every component below the root it lies in is `lstat`ed, and the
//!   file itself is opened with `O_NOFOLLOW`;
//! - opens only regular files, with `O_NONBLOCK`, so a FIFO or a device can neither block nor
//!   feed an endless read (and the type is checked again on the open descriptor);
//! - bounds every whole-file read, reporting the real size of a file over the limit.
//!
//! Streams (JSONL suites) are opened through the same checks and read line by line by their
//! consumer.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The most bytes read for a document that must be held whole.
pub const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;

/// The most bytes of a JSONL file `check` holds for its report. JSONL is parsed line by line
/// (each line is a document of its own, held to [`MAX_DOCUMENT_BYTES`]), and replay streams it
/// whatever its size; only the text kept to locate findings is bounded by this.
pub const MAX_JSONL_BYTES: u64 = 1024 * 1024 * 1024;

/// Why a path was not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("`{path}` is outside the scanned roots (the working directory and the paths given)")]
    Outside { path: String },
    #[error("`{path}` is a symbolic link; gatelint does not follow links")]
    Symlink { path: String },
    #[error("`{path}` is {kind}, not a regular file")]
    NotRegular { path: String, kind: &'static str },
    #[error("`{path}` does not exist")]
    Missing { path: String },
    #[error("`{path}` is {} bytes, over the {} limit for a file read whole", .bytes, human_size(*.limit))]
    TooLarge {
        path: String,
        bytes: u64,
        limit: u64,
    },
    #[error("cannot read `{path}`: {message}")]
    Io { path: String, message: String },
}

impl ReadError {
    /// The path the error is about, as shown.
    pub fn path(&self) -> &str {
        match self {
            ReadError::Outside { path }
            | ReadError::Symlink { path }
            | ReadError::NotRegular { path, .. }
            | ReadError::Missing { path }
            | ReadError::TooLarge { path, .. }
            | ReadError::Io { path, .. } => path,
        }
    }

    /// The error in words, without the path.
    pub fn reason(&self) -> String {
        match self {
            ReadError::Outside { .. } => {
                "it is outside the scanned roots (the working directory and the paths given)"
                    .to_owned()
            }
            ReadError::Symlink { .. } => {
                "it is a symbolic link, and gatelint does not follow links".to_owned()
            }
            ReadError::NotRegular { kind, .. } => format!("it is {kind}, not a regular file"),
            ReadError::Missing { .. } => "it does not exist".to_owned(),
            ReadError::TooLarge { bytes, limit, .. } => format!(
                "it is {bytes} bytes, over the {} limit for a file read whole",
                human_size(*limit)
            ),
            ReadError::Io { message, .. } => message.clone(),
        }
    }

    /// True when the file is simply absent (a baseline without the file).
    pub fn is_missing(&self) -> bool {
        matches!(self, ReadError::Missing { .. })
    }
}

fn human_size(bytes: u64) -> String {
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes}-byte")
    }
}

/// A directory or a file reads may reach.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Root {
    /// Absolute, lexically normalised.
    path: PathBuf,
    directory: bool,
}

/// Reads files inside the workspace only (see the module documentation).
#[derive(Clone, Debug)]
pub struct Reader {
    cwd: PathBuf,
    roots: Vec<Root>,
}

impl Reader {
    /// A reader confined to the working directory and `paths` (files or directories).
    pub fn new(paths: &[PathBuf]) -> Reader {
        let cwd = std::env::current_dir()
            .map(|dir| normalize(&dir))
            .unwrap_or_else(|_| PathBuf::from("/"));
        let mut reader = Reader {
            roots: vec![Root {
                path: cwd.clone(),
                directory: true,
            }],
            cwd,
        };
        for path in paths {
            reader.allow(path);
        }
        reader
    }

    /// Adds `path` (a file or a directory the user named) to the roots, with the git
    /// repository it lies in: a suite named on the command line may refer to the policies of
    /// its repository. A file outside any repository brings its own directory.
    pub fn allow(&mut self, path: &Path) {
        let absolute = self.absolute(path);
        let directory = std::fs::symlink_metadata(&absolute).is_ok_and(|meta| meta.is_dir());
        let repository = absolute
            .ancestors()
            .find(|dir| std::fs::symlink_metadata(dir.join(".git")).is_ok())
            .map(Path::to_path_buf)
            .or_else(|| {
                (!directory)
                    .then(|| absolute.parent().map(Path::to_path_buf))
                    .flatten()
            });
        for root in std::iter::once(Root {
            path: absolute,
            directory,
        })
        .chain(repository.map(|path| Root {
            path,
            directory: true,
        })) {
            if !self.roots.contains(&root) {
                self.roots.push(root);
            }
        }
    }

    /// `path` made absolute against the working directory and normalised lexically.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            normalize(path)
        } else {
            normalize(&self.cwd.join(path))
        }
    }

    /// The checked absolute path of `path`: inside a root, no symbolic link below that root,
    /// a regular file. Nothing is opened.
    pub fn check(&self, path: &Path) -> Result<PathBuf, ReadError> {
        // Shown only in an error: computing it reads the working directory.
        let shown = || crate::source::display(path);
        let absolute = self.absolute(path);
        // The deepest root holding the path: its components below the root are checked.
        let root = self
            .roots
            .iter()
            .filter(|root| {
                if root.directory {
                    absolute.starts_with(&root.path)
                } else {
                    absolute == root.path
                }
            })
            .max_by_key(|root| root.path.components().count())
            .ok_or_else(|| ReadError::Outside { path: shown() })?;
        let below = absolute.strip_prefix(&root.path).unwrap_or(Path::new(""));
        let mut at = root.path.clone();
        let mut last = None;
        for component in below.components() {
            if let Some(meta) = &last
                && !std::fs::Metadata::is_dir(meta)
            {
                return Err(ReadError::Missing { path: shown() });
            }
            at.push(component);
            let meta =
                std::fs::symlink_metadata(&at).map_err(|error| io_error(&shown(), &error))?;
            if meta.file_type().is_symlink() {
                return Err(ReadError::Symlink {
                    path: crate::source::display(&at),
                });
            }
            last = Some(meta);
        }
        // A root that is a file itself has no component below it: look at the file.
        let meta = match last {
            Some(meta) => meta,
            None => {
                std::fs::symlink_metadata(&absolute).map_err(|error| io_error(&shown(), &error))?
            }
        };
        if meta.file_type().is_symlink() {
            return Err(ReadError::Symlink { path: shown() });
        }
        if !meta.is_file() {
            return Err(ReadError::NotRegular {
                path: shown(),
                kind: kind_of(&meta),
            });
        }
        Ok(absolute)
    }

    /// Opens `path` after [`Reader::check`], without following a link or blocking, and checks
    /// the opened descriptor is a regular file.
    pub fn open(&self, path: &Path) -> Result<(std::fs::File, u64), ReadError> {
        use std::os::unix::fs::OpenOptionsExt;
        // Shown only in an error: computing it reads the working directory.
        let shown = || crate::source::display(path);
        let absolute = self.check(path)?;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&absolute)
            .map_err(|error| match error.raw_os_error() {
                Some(libc::ELOOP) => ReadError::Symlink { path: shown() },
                _ => io_error(&shown(), &error),
            })?;
        let meta = file
            .metadata()
            .map_err(|error| io_error(&shown(), &error))?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular {
                path: shown(),
                kind: kind_of(&meta),
            });
        }
        Ok((file, meta.len()))
    }

    /// Reads a document held whole: at most [`MAX_DOCUMENT_BYTES`].
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        self.read_capped(path, MAX_DOCUMENT_BYTES)
    }

    /// Reads at most `limit` bytes of `path`; a larger file is [`ReadError::TooLarge`] with its
    /// real size.
    pub fn read_capped(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let shown = || crate::source::display(path);
        let (file, len) = self.open(path)?;
        if len > limit {
            return Err(ReadError::TooLarge {
                path: shown(),
                bytes: len,
                limit,
            });
        }
        // Sized from the metadata, so reading does not grow (and copy) the buffer step by step.
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|error| io_error(&shown(), &error))?;
        if bytes.len() as u64 > limit {
            // The file grew while it was read.
            return Err(ReadError::TooLarge {
                path: shown(),
                bytes: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes)
    }

    /// Reads at most the first `limit` bytes of `path`, and the file's real size: for a file too
    /// large to hold whole that is still classified and reported.
    pub fn read_prefix(&self, path: &Path, limit: u64) -> Result<(Vec<u8>, u64), ReadError> {
        let shown = crate::source::display(path);
        let (file, len) = self.open(path)?;
        let mut bytes = Vec::with_capacity(usize::try_from(len.min(limit)).unwrap_or(0));
        file.take(limit)
            .read_to_end(&mut bytes)
            .map_err(|error| io_error(&shown, &error))?;
        Ok((bytes, len))
    }

    /// Reads `path` as text (UTF-8, or UTF-16 or UTF-32 after a byte-order mark), for files a
    /// caller parses itself; text that is not valid in its encoding is an error.
    pub fn read_string(&self, path: &Path) -> Result<String, ReadError> {
        let bytes = self.read(path)?;
        match super::text::decode(&bytes) {
            (text, None) => Ok(text),
            (text, Some(bad)) => {
                let position = crate::span::LineIndex::new(&text).position(
                    &text,
                    bad.span.start,
                    crate::span::ColumnUnit::Chars,
                );
                let encoding = bad.encoding.name();
                Err(ReadError::Io {
                    path: crate::source::display(path),
                    message: format!(
                        "invalid {encoding} at line {}, column {}",
                        position.line.get(),
                        position.column.get()
                    ),
                })
            }
        }
    }

    /// The entries of a directory inside the workspace reached without a link, sorted (the
    /// entries themselves are checked when they are read).
    pub fn list_dir(&self, path: &Path) -> Result<Vec<PathBuf>, ReadError> {
        let shown = || crate::source::display(path);
        if !self.is_dir(path) {
            return Err(ReadError::NotRegular {
                path: shown(),
                kind: "not a directory inside the scanned roots",
            });
        }
        let entries =
            std::fs::read_dir(self.absolute(path)).map_err(|error| io_error(&shown(), &error))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| path.join(entry.file_name())))
            .collect();
        paths.sort();
        Ok(paths)
    }

    /// True when `path` is a directory inside the workspace reached without a link.
    pub fn is_dir(&self, path: &Path) -> bool {
        let absolute = self.absolute(path);
        self.roots
            .iter()
            .any(|root| root.directory && absolute.starts_with(&root.path))
            && std::fs::symlink_metadata(&absolute).is_ok_and(|meta| meta.is_dir())
    }
}

/// Where a stage reads the files a suite or a case names: the working tree through the
/// [`Reader`], or one side of a diff ([`Overlay`]).
pub trait Files: Sync {
    /// The reader of the working tree (suites and streams are always read from it).
    fn reader(&self) -> &Reader;
    /// The bytes of a document read whole, as this side sees `path`.
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError>;
}

impl Files for Reader {
    fn reader(&self) -> &Reader {
        self
    }

    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        Reader::read(self, path)
    }
}

/// The working tree with some files replaced: the baseline side of a diff (baseline versions
/// held in memory, `None` where the baseline has no such file), or the candidate side of a
/// file-pair diff (the candidate file also answering for the baseline file's name).
#[derive(Debug)]
pub struct Overlay<'a> {
    base: &'a Reader,
    files: std::collections::BTreeMap<PathBuf, Option<std::sync::Arc<[u8]>>>,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a Reader) -> Overlay<'a> {
        Overlay {
            base,
            files: std::collections::BTreeMap::new(),
        }
    }

    /// Makes `path` read as `bytes` (`None`: as absent).
    pub fn set(&mut self, path: &Path, bytes: Option<std::sync::Arc<[u8]>>) {
        self.files.insert(self.base.absolute(path), bytes);
    }
}

impl Files for Overlay<'_> {
    fn reader(&self) -> &Reader {
        self.base
    }

    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        match self.files.get(&self.base.absolute(path)) {
            Some(Some(bytes)) => Ok(bytes.to_vec()),
            Some(None) => Err(ReadError::Missing {
                path: crate::source::display(path),
            }),
            None => self.base.read(path),
        }
    }
}

fn io_error(shown: &str, error: &std::io::Error) -> ReadError {
    match error.kind() {
        std::io::ErrorKind::NotFound => ReadError::Missing {
            path: shown.to_owned(),
        },
        _ => ReadError::Io {
            path: shown.to_owned(),
            message: error.kind().to_string(),
        },
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

/// Resolves `.` and `..` without touching the file system (`..` above the root stays at the
/// root).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    fn reader_in(dir: &Path) -> Reader {
        Reader {
            cwd: dir.to_path_buf(),
            roots: vec![Root {
                path: dir.to_path_buf(),
                directory: true,
            }],
        }
    }

    #[test]
    fn reads_inside_and_refuses_outside() {
        let dir = tempfile::tempdir().unwrap();
        let root = normalize(&dir.path().canonicalize().unwrap());
        std::fs::create_dir(root.join("inner")).unwrap();
        std::fs::write(root.join("inner/a.yaml"), "a: 1\n").unwrap();
        let reader = reader_in(&root.join("inner"));
        assert_eq!(reader.read(Path::new("a.yaml")).unwrap(), b"a: 1\n");
        let outside = reader.read(Path::new("../a.yaml")).unwrap_err();
        assert!(matches!(outside, ReadError::Outside { .. }), "{outside}");
        let absolute = reader.read(Path::new("/etc/passwd")).unwrap_err();
        assert!(matches!(absolute, ReadError::Outside { .. }), "{absolute}");
    }

    #[test]
    fn refuses_links_fifos_directories_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = normalize(&dir.path().canonicalize().unwrap());
        std::fs::write(root.join("big.json"), vec![b' '; 100]).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", root.join("link.yaml")).unwrap();
        std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
        std::fs::create_dir(root.join("dir.yaml")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("pipe.yaml"))
            .status()
            .is_ok_and(|status| status.success());
        let reader = reader_in(&root);
        assert!(matches!(
            reader.read(Path::new("link.yaml")),
            Err(ReadError::Symlink { .. })
        ));
        assert!(matches!(
            reader.read(Path::new("loop/big.json")),
            Err(ReadError::Symlink { .. })
        ));
        assert!(matches!(
            reader.read(Path::new("dir.yaml")),
            Err(ReadError::NotRegular {
                kind: "a directory",
                ..
            })
        ));
        if fifo {
            assert!(matches!(
                reader.read(Path::new("pipe.yaml")),
                Err(ReadError::NotRegular { kind: "a FIFO", .. })
            ));
        }
        let large = reader.read_capped(Path::new("big.json"), 10).unwrap_err();
        assert_eq!(
            large.to_string(),
            "`big.json` is 100 bytes, over the 10-byte limit for a file read whole"
        );
        assert!(
            reader
                .read(Path::new("none.yaml"))
                .unwrap_err()
                .is_missing()
        );
    }
}
