//! Pinning files by sha256: `SHA256SUMS` manifests in the format of GNU `sha256sum`
//! (`<64 hex>  <path>`), so `sha256sum -c` gives the same verdict as `ssmbench verify`, and
//! atomic writes so a crash never leaves a half-written artifact.

use std::{
    collections::BTreeMap,
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create directory", dir.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("artifact");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f =
            fs::File::create(&tmp).with_context(|| format!("{}: cannot write", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)
        .with_context(|| format!("{}: cannot move into place", path.display()))?;
    Ok(())
}

/// Serialises `value` as pretty JSON (trailing newline) and writes it atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    write_atomic(path, s.as_bytes())
}

/// Lowercase hex sha256 of a file's bytes.
pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(sha256_hex(&bytes))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A parsed manifest: relative path → expected hash, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manifest {
    pub entries: BTreeMap<String, String>,
}

impl Manifest {
    /// Parses `sha256sum` output. Errors name the manifest's line.
    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        let mut entries = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((hash, name)) = line.split_once("  ").or_else(|| line.split_once(" *")) else {
                bail!(
                    "{}:{}: not a sha256sum line ('<hash>  <path>') — regenerate it with 'ssmbench pin'",
                    origin.display(),
                    i + 1
                );
            };
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!(
                    "{}:{}: '{hash}' is not a sha256 hex digest — regenerate it with 'ssmbench pin'",
                    origin.display(),
                    i + 1
                );
            }
            entries.insert(name.to_string(), hash.to_ascii_lowercase());
        }
        Ok(Self { entries })
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = fs::read_to_string(path).with_context(|| {
            format!(
                "{}: cannot read the manifest — create it with 'ssmbench pin'",
                path.display()
            )
        })?;
        Self::parse(&text, path)
    }

    /// `sha256sum` format, sorted by path.
    pub fn render(&self) -> String {
        self.entries
            .iter()
            .map(|(p, h)| format!("{h}  {p}\n"))
            .collect()
    }

    /// Hashes `files` (relative to `root`).
    pub fn of_files(root: &Path, files: &[PathBuf]) -> Result<Self> {
        let mut entries = BTreeMap::new();
        for f in files {
            let rel = f.strip_prefix(root).unwrap_or(f);
            entries.insert(
                rel.to_string_lossy().replace('\\', "/"),
                sha256_file(&root.join(rel))?,
            );
        }
        Ok(Self { entries })
    }
}

/// One disagreement between a manifest and the files on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    Changed {
        path: String,
        expected: String,
        actual: String,
    },
    Missing {
        path: String,
        expected: String,
    },
    Extra {
        path: String,
        actual: String,
    },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::Changed {
                path,
                expected,
                actual,
            } => write!(
                f,
                "{path}: hash mismatch (expected {expected}, actual {actual})"
            ),
            Mismatch::Missing { path, expected } => {
                write!(f, "{path}: missing (expected {expected})")
            }
            Mismatch::Extra { path, actual } => {
                write!(f, "{path}: not in the manifest (actual {actual})")
            }
        }
    }
}

/// Checks `manifest` against the files under `root`. `present` lists the files that exist and
/// should be covered (for "extra" detection); pass `None` to check only the listed ones.
pub fn check(root: &Path, manifest: &Manifest, present: Option<&[PathBuf]>) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for (path, expected) in &manifest.entries {
        let full = root.join(path);
        match sha256_file(&full) {
            Ok(actual) if &actual == expected => {}
            Ok(actual) => out.push(Mismatch::Changed {
                path: path.clone(),
                expected: expected.clone(),
                actual,
            }),
            Err(_) => out.push(Mismatch::Missing {
                path: path.clone(),
                expected: expected.clone(),
            }),
        }
    }
    if let Some(files) = present {
        for f in files {
            let rel = f
                .strip_prefix(root)
                .unwrap_or(f)
                .to_string_lossy()
                .replace('\\', "/");
            if !manifest.entries.contains_key(&rel) {
                let actual = sha256_file(&root.join(&rel)).unwrap_or_default();
                out.push(Mismatch::Extra { path: rel, actual });
            }
        }
    }
    out
}

/// Every regular file under `dir`, recursively, sorted, skipping hidden files and `skip` names.
pub fn list_files(dir: &Path, skip: &[&str]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    fn walk(d: &Path, skip: &[&str], out: &mut Vec<PathBuf>) -> Result<()> {
        let mut entries: Vec<_> = fs::read_dir(d)
            .with_context(|| format!("{}: cannot list", d.display()))?
            .collect::<std::io::Result<_>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') || skip.contains(&name.as_str()) {
                continue;
            }
            let p = e.path();
            if p.is_dir() {
                walk(&p, skip, out)?;
            } else if p.is_file() {
                out.push(p);
            }
        }
        Ok(())
    }
    if dir.exists() {
        walk(dir, skip, &mut out)?;
    }
    Ok(out)
}

/// Where a data directory's pin lives: `DIR/SHA256SUMS` (what `ssmbench pin DIR` writes), or
/// the parent's, as for the shipped `data/SHA256SUMS` covering `data/sessions/*.json`.
/// Returns (manifest path, the root its paths are relative to, the prefix of `dir` under it).
pub fn data_pin(dir: &Path) -> Option<(PathBuf, PathBuf, String)> {
    let own = dir.join("SHA256SUMS");
    if own.exists() {
        return Some((own, dir.to_path_buf(), String::new()));
    }
    let parent = dir.parent()?;
    let up = parent.join("SHA256SUMS");
    let name = dir.file_name()?.to_string_lossy().to_string();
    up.exists()
        .then(|| (up, parent.to_path_buf(), format!("{name}/")))
}

/// Verifies the data pin before anything runs: one line naming the first mismatching,
/// missing or unpinned session file with the expected and actual hash.
pub fn verify_data_dir(dir: &Path) -> Result<()> {
    let Some((sums, root, prefix)) = data_pin(dir) else {
        bail!(
            "{}: no SHA256SUMS here or in the parent — pin this data with 'ssmbench pin {}'",
            dir.display(),
            dir.display()
        );
    };
    let mut manifest = Manifest::read(&sums)?;
    manifest
        .entries
        .retain(|p, _| p.starts_with(&prefix) && !p[prefix.len()..].contains('/'));
    let present: Vec<PathBuf> = list_files(dir, &["SHA256SUMS"])?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.parent() == Some(dir))
        .collect();
    if let Some(m) = check(&root, &manifest, Some(&present)).into_iter().next() {
        bail!(
            "{}: {m} — restore the file, or re-pin deliberately with 'ssmbench pin {}'",
            sums.display(),
            dir.display()
        );
    }
    Ok(())
}

/// Writes `dir/SHA256SUMS` over the session files (`*.json`) directly in `dir`.
pub fn pin_dir(dir: &Path) -> Result<Manifest> {
    let files: Vec<PathBuf> = list_files(dir, &["SHA256SUMS"])?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.parent() == Some(dir))
        .collect();
    if files.is_empty() {
        bail!(
            "{}: no *.json session files to pin — point 'ssmbench pin' at a directory of sessions",
            dir.display()
        );
    }
    let manifest = Manifest::of_files(dir, &files)?;
    write_atomic(&dir.join("SHA256SUMS"), manifest.render().as_bytes())?;
    Ok(manifest)
}

/// The files `artifacts/SHA256SUMS` covers, relative to `root` (the repository root): every
/// result under `artifacts/` except the manifest itself, and every input under `data/`.
pub fn artifact_files(root: &Path, artifacts: &Path) -> Result<Vec<PathBuf>> {
    let mut files = list_files(artifacts, &["SHA256SUMS"])?;
    files.extend(list_files(&root.join("data"), &[])?);
    // Keep the data pin itself covered too.
    let pin = root.join("data").join("SHA256SUMS");
    if pin.exists() && !files.contains(&pin) {
        files.push(pin);
    }
    let mut rel: Vec<PathBuf> = files
        .into_iter()
        .map(|f| f.strip_prefix(root).map(Path::to_path_buf).unwrap_or(f))
        .collect();
    rel.sort();
    rel.dedup();
    Ok(rel)
}

/// Writes `artifacts/SHA256SUMS` (sha256sum format, paths relative to `root`); the last file a
/// run writes.
pub fn write_artifacts_manifest(root: &Path, artifacts: &Path) -> Result<Manifest> {
    let files = artifact_files(root, artifacts)?;
    let manifest = Manifest::of_files(root, &files)?;
    write_atomic(&artifacts.join("SHA256SUMS"), manifest.render().as_bytes())?;
    Ok(manifest)
}

/// Re-hashes everything `artifacts/SHA256SUMS` lists, and reports files it does not list.
pub fn verify_artifacts(root: &Path, artifacts: &Path) -> Result<Vec<Mismatch>> {
    let path = artifacts.join("SHA256SUMS");
    if !path.exists() {
        bail!(
            "{}: no manifest — write it with 'ssmbench report' (or run 'ssmbench reproduce')",
            path.display()
        );
    }
    let manifest = Manifest::read(&path)?;
    let present = artifact_files(root, artifacts)?;
    let present: Vec<PathBuf> = present.iter().map(|p| root.join(p)).collect();
    Ok(check(root, &manifest, Some(&present)))
}
