//! The data folder: everything the runner keeps between runs lives under one directory.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use crate::LocalError;

/// Where the data folder is when neither `--data` nor the environment says otherwise.
pub const DEFAULT_DATA_DIR: &str = ".local-data";
/// Environment variable overriding the default data folder.
pub const DATA_DIR_ENV: &str = "AWARD_DATA_DIR";

const SECRET_BYTES: usize = 32;

/// The files and folders inside a data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The data folder at `root`, created (with its sub-folders) if missing.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, LocalError> {
        let data = Self { root: root.into() };
        for dir in [data.root.clone(), data.blobs(), data.outbox()] {
            fs::create_dir_all(&dir).map_err(|source| LocalError::io(&dir, source))?;
        }
        let secrets = data.secrets();
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&secrets)
            .map_err(|source| LocalError::io(&secrets, source))?;
        Ok(data)
    }

    /// `explicit` (a flag), else `$AWARD_DATA_DIR`, else `./.local-data`.
    pub fn resolve(explicit: Option<PathBuf>) -> PathBuf {
        explicit
            .or_else(|| std::env::var_os(DATA_DIR_ENV).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn table_file(&self) -> PathBuf {
        self.root.join("table.redb")
    }

    pub fn blobs(&self) -> PathBuf {
        self.root.join("blobs")
    }

    pub fn outbox(&self) -> PathBuf {
        self.root.join("outbox")
    }

    fn secrets(&self) -> PathBuf {
        self.root.join("secrets")
    }

    /// The HMAC key of the blob links.
    pub fn blob_link_secret(&self) -> Result<Vec<u8>, LocalError> {
        load_or_create_secret(&self.secrets().join("blob-links.key"))
    }

    /// The HS256 key of the local tokens (the stand-in for the Cognito user pool's signing key).
    pub fn token_secret(&self) -> Result<Vec<u8>, LocalError> {
        load_or_create_secret(&self.secrets().join("tokens.key"))
    }
}

/// Reads a secret, creating it first (random, owner-only) when it does not exist yet. Two processes
/// racing to create it agree: only one `create_new` succeeds and the other reads its result.
fn load_or_create_secret(path: &Path) -> Result<Vec<u8>, LocalError> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            let mut secret = [0u8; SECRET_BYTES];
            getrandom::fill(&mut secret)
                .map_err(|error| LocalError::Secret(format!("no randomness: {error}")))?;
            file.write_all(hex::encode(secret).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|source| LocalError::io(path, source))?;
            Ok(secret.to_vec())
        }
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            let text = fs::read_to_string(path).map_err(|source| LocalError::io(path, source))?;
            let secret = hex::decode(text.trim()).map_err(|_| {
                LocalError::Secret(format!("{} is not a hex-encoded key", path.display()))
            })?;
            if secret.len() < SECRET_BYTES {
                return Err(LocalError::Secret(format!(
                    "{} holds a key shorter than {SECRET_BYTES} bytes",
                    path.display()
                )));
            }
            Ok(secret)
        }
        Err(source) => Err(LocalError::io(path, source)),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn a_secret_is_created_once_owner_only_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(dir.path().join("data")).unwrap();
        let first = data.token_secret().unwrap();
        assert_eq!(first.len(), SECRET_BYTES);
        assert_eq!(data.token_secret().unwrap(), first);
        assert_ne!(data.blob_link_secret().unwrap(), first);

        let mode = fs::metadata(data.secrets().join("tokens.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let folder_mode = fs::metadata(data.secrets()).unwrap().permissions().mode();
        assert_eq!(folder_mode & 0o777, 0o700);
    }

    #[test]
    fn a_corrupt_secret_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(dir.path()).unwrap();
        fs::write(data.secrets().join("tokens.key"), "not hex").unwrap();
        assert!(matches!(data.token_secret(), Err(LocalError::Secret(_))));
    }
}
