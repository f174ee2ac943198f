//! The one way gatelint writes a file (a report, a formatted policy). Nothing but the
//! destination can change: a new file is created under an unpredictable name in the
//! destination's directory with `O_EXCL`, written, and renamed over the destination, so a link
//! planted at a guessable temporary name redirects nothing and a reader sees the old file or
//! the new one, never half of one. A destination that is a symbolic link is refused unless it
//! leads to a FIFO or a character device (`/dev/stdout` is such a link), which, like a FIFO or a
//! device named directly, is written to directly. A replaced file keeps its mode; a new one is
//! `0644`. The temporary file is removed when anything fails.

use std::io::Write;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

/// Why a destination was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the destination is a symbolic link; gatelint does not write through links")]
    Symlink,
    #[error("the destination is a directory")]
    Directory,
    #[error("the destination is not a regular file")]
    NotRegular,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Replaces the file at `path` with `bytes` (see the module documentation).
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write(path, bytes, true)
}

/// Replaces the regular file at `path` with `bytes`, as [`replace`] does, but writes to nothing
/// else: a link (whatever it leads to), a FIFO, a device or a missing file is refused. This is
/// how fixes rewrite the files they were found in.
pub fn replace_regular(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(WriteError::Symlink),
        Ok(meta) if meta.is_dir() => Err(WriteError::Directory),
        Ok(meta) if meta.is_file() => write(path, bytes, false),
        Ok(_) => Err(WriteError::NotRegular),
        Err(error) => Err(WriteError::Io(error)),
    }
}

fn write(path: &Path, bytes: &[u8], devices: bool) -> Result<(), WriteError> {
    let existing = std::fs::symlink_metadata(path).ok();
    if let Some(meta) = &existing {
        let kind = meta.file_type();
        let device = devices
            && std::fs::metadata(path).is_ok_and(|target| {
                target.file_type().is_fifo() || target.file_type().is_char_device()
            });
        if device {
            let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
            file.write_all(bytes)?;
            return Ok(());
        }
        if kind.is_symlink() {
            return Err(WriteError::Symlink);
        }
        if kind.is_dir() {
            return Err(WriteError::Directory);
        }
    }
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mode = existing.map_or(0o644, |meta| meta.permissions().mode() & 0o7777);
    let mut temporary = tempfile::Builder::new()
        .prefix(".gatelint-")
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(directory)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    temporary
        .persist(path)
        .map(drop)
        .map_err(|error| WriteError::Io(error.error))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn replaces_keeps_the_mode_and_refuses_links() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("policy.yaml");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        replace(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(replace(&link, b"x"), Err(WriteError::Symlink)));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn replace_regular_writes_only_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("policy.yaml");
        std::fs::write(&target, "old").unwrap();
        replace_regular(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let link = dir.path().join("null.yaml");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        assert!(matches!(
            replace_regular(&link, b"x"),
            Err(WriteError::Symlink)
        ));
        assert!(matches!(
            replace_regular(Path::new("/dev/null"), b"x"),
            Err(WriteError::NotRegular)
        ));
        assert!(replace_regular(&dir.path().join("missing.yaml"), b"x").is_err());
        assert!(!dir.path().join("missing.yaml").exists());
    }
}
