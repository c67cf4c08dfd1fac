//! The GitHub Action's install step (action/install.sh) against a stand-in for the release
//! host: a real HTTP server on 127.0.0.1, started by each test, serving release assets laid
//! out as GitHub serves them (`/<owner>/<name>/releases/download/v<version>/<asset>`), with
//! `LEAKWARD_RELEASE_BASE_URL` pointing the script at it.
//!
//! Checked: the right asset for each runner platform, verified against SHA256SUMS and run;
//! a checksum mismatch refused (exit 2, nothing installed, nothing built); a build from
//! source only when there is no release asset (no release, no asset for the platform, a
//! platform with no release binary); a server error stops the step instead of building.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The repository the stand-in serves releases for.
const REPOSITORY: &str = "acme/leakward";

/// Every platform a release binary exists for: RUNNER_OS, RUNNER_ARCH, target, archive
/// extension.
const PLATFORMS: [(&str, &str, &str, &str); 5] = [
    ("Linux", "X64", "x86_64-unknown-linux-musl", "tar.gz"),
    ("Linux", "ARM64", "aarch64-unknown-linux-musl", "tar.gz"),
    ("macOS", "X64", "x86_64-apple-darwin", "tar.gz"),
    ("macOS", "ARM64", "aarch64-apple-darwin", "tar.gz"),
    ("Windows", "X64", "x86_64-pc-windows-msvc", "zip"),
];

fn crate_version() -> String {
    let manifest: toml::Table = toml::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap(),
    )
    .unwrap();
    manifest["package"]["version"].as_str().unwrap().to_string()
}

fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------
// The release host stand-in

/// A static file server on 127.0.0.1 (HTTP/1.0, GET only) that records the paths asked
/// for. It serves from `root` until the test process ends.
struct ReleaseHost {
    root: tempfile::TempDir,
    base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
    /// When non-zero, every answer has this status and no body.
    forced_status: Arc<AtomicU16>,
}

impl ReleaseHost {
    fn start() -> ReleaseHost {
        let root = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let forced_status = Arc::new(AtomicU16::new(0));
        let (served, log, forced) = (
            root.path().to_path_buf(),
            Arc::clone(&requests),
            Arc::clone(&forced_status),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = answer(stream, &served, &log, forced.load(Ordering::SeqCst));
            }
        });
        ReleaseHost {
            root,
            base_url,
            requests,
            forced_status,
        }
    }

    /// The release directory of `version`, made if needed.
    fn release_dir(&self, version: &str) -> PathBuf {
        let dir = self
            .root
            .path()
            .join(REPOSITORY)
            .join("releases/download")
            .join(format!("v{version}"));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Paths asked for so far, in order.
    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn answer(
    stream: TcpStream,
    root: &Path,
    log: &Mutex<Vec<String>>,
    forced: u16,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    log.lock().unwrap().push(path.clone());
    let file = root.join(path.trim_start_matches('/'));
    let (status, body) = if forced != 0 {
        (forced, Vec::new())
    } else if path.contains("..") || !file.is_file() {
        (404, b"Not Found".to_vec())
    } else {
        (200, std::fs::read(&file)?)
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.0 {status} X\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

// ---------------------------------------------------------------------------------------
// Release assets

/// The leakward under test, stripped (a tenth of the size, quicker to archive), made once.
fn stripped_binary() -> &'static Path {
    static BINARY: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &BINARY
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let copy = dir.path().join("leakward");
            std::fs::copy(env!("CARGO_BIN_EXE_leakward"), &copy).unwrap();
            // Without `strip` the copy is only larger.
            let _ = Command::new("strip").arg(&copy).status();
            (dir, copy)
        })
        .1
}

/// Writes the release asset for `target` into `release`, as the release workflow packs it
/// (a top directory with the binary and the README); returns its file name. Each target's
/// archive also names its target, so no two have the same checksum.
fn write_asset(release: &Path, version: &str, target: &str, extension: &str) -> String {
    let name = format!("leakward-{version}-{target}");
    let staging = tempfile::tempdir().unwrap();
    let top = staging.path().join(&name);
    std::fs::create_dir(&top).unwrap();
    let exe = if target.contains("windows") {
        "leakward.exe"
    } else {
        "leakward"
    };
    std::fs::copy(stripped_binary(), top.join(exe)).unwrap();
    std::fs::write(top.join("README.md"), format!("leakward for {target}\n")).unwrap();
    let archive = format!("{name}.{extension}");
    let status = if extension == "zip" {
        Command::new("zip")
            .current_dir(staging.path())
            .args(["-q", "-r"])
            .arg(release.join(&archive))
            .arg(&name)
            .status()
    } else {
        Command::new("tar")
            .current_dir(staging.path())
            .arg("-czf")
            .arg(release.join(&archive))
            .arg(&name)
            .status()
    }
    .unwrap();
    assert!(status.success(), "packing {archive}");
    archive
}

/// Writes SHA256SUMS for `assets` in `release`, as `sha256sum` does.
fn write_sums(release: &Path, assets: &[String]) {
    let lines: String = assets
        .iter()
        .map(|asset| {
            let bytes = std::fs::read(release.join(asset)).unwrap();
            format!("{}  {asset}\n", sha256_hex(&bytes))
        })
        .collect();
    std::fs::write(release.join("SHA256SUMS"), lines).unwrap();
}

/// A release of `version` with an asset for every platform and its SHA256SUMS.
fn full_release(host: &ReleaseHost, version: &str) -> Vec<String> {
    let release = host.release_dir(version);
    let assets: Vec<String> = PLATFORMS
        .iter()
        .map(|(_, _, target, extension)| write_asset(&release, version, target, extension))
        .collect();
    write_sums(&release, &assets);
    assets
}

// ---------------------------------------------------------------------------------------
// The runner

/// One run of the action's install step: its temporary directory, outputs file and a
/// cargo that records its arguments instead of building.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        let runner = Runner {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(runner.temp()).unwrap();
        let script = format!(
            "#!/usr/bin/env bash\nset -eu\necho \"$*\" >>'{log}'\nroot=\"${{@: -1}}\"\nmkdir -p \"$root/bin\"\ncp '{binary}' \"$root/bin/leakward\"\n",
            log = runner.cargo_log().display(),
            binary = env!("CARGO_BIN_EXE_leakward"),
        );
        std::fs::write(runner.fake_cargo(), script).unwrap();
        let status = Command::new("chmod")
            .arg("+x")
            .arg(runner.fake_cargo())
            .status()
            .unwrap();
        assert!(status.success());
        runner
    }

    fn temp(&self) -> PathBuf {
        self.dir.path().join("runner-temp")
    }

    fn fake_cargo(&self) -> PathBuf {
        self.dir.path().join("fake-cargo")
    }

    fn cargo_log(&self) -> PathBuf {
        self.dir.path().join("cargo.log")
    }

    fn cargo_ran(&self) -> bool {
        self.cargo_log().exists()
    }

    fn outputs(&self) -> BTreeMap<String, String> {
        std::fs::read_to_string(self.dir.path().join("output"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Runs `install.sh install` as the action's install step on `os`/`arch`, with the
    /// action checked out at `action_path` and the release host at `host`.
    fn install(
        &self,
        host: &ReleaseHost,
        action_path: &Path,
        (os, arch): (&str, &str),
        extra: &[(&str, &str)],
    ) -> Output {
        let mut command = Command::new("bash");
        for name in ["GITHUB_ACTION_REPOSITORY", "LEAKWARD_RELEASE_REPOSITORY"] {
            command.env_remove(name);
        }
        command
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/install.sh"))
            .arg("install")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", action_path)
            .env("GITHUB_OUTPUT", self.dir.path().join("output"))
            .env("RUNNER_TEMP", self.temp())
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("INPUT_LEAKWARD_PATH", "")
            .env("LEAKWARD_CARGO", self.fake_cargo())
            .env("LEAKWARD_RELEASE_BASE_URL", &host.base_url)
            .envs(extra.iter().copied())
            .output()
            .expect("bash runs")
    }

    fn installed(&self, exe: &str) -> PathBuf {
        self.temp().join("leakward-install/bin").join(exe)
    }
}

/// The action as a runner checks it out: `<dir>/_actions/<owner>/<name>/<ref>`, with the
/// Cargo.toml that names the version (the scripts run from this checkout).
fn action_checkout(under: &Path) -> PathBuf {
    let checkout = under.join("_actions").join(REPOSITORY).join("v1");
    std::fs::create_dir_all(&checkout).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"),
        checkout.join("Cargo.toml"),
    )
    .unwrap();
    checkout
}

fn release_path(version: &str, asset: &str) -> String {
    format!("/{REPOSITORY}/releases/download/v{version}/{asset}")
}

// ---------------------------------------------------------------------------------------
// Tests

#[test]
fn each_runner_platform_gets_its_own_release_binary_checked_against_sha256sums() {
    let version = crate_version();
    let host = ReleaseHost::start();
    let assets = full_release(&host, &version);
    let checkouts = tempfile::tempdir().unwrap();
    // The repository comes from the checkout's path, as on a runner.
    let action = action_checkout(checkouts.path());

    for ((os, arch, target, _), asset) in PLATFORMS.iter().zip(&assets) {
        let before = host.requests().len();
        let runner = Runner::new();
        let output = runner.install(&host, &action, (os, arch), &[]);
        let text = said(&output);
        assert!(output.status.success(), "{os} {arch}: {text}");
        assert!(!runner.cargo_ran(), "{os} {arch}: nothing is built: {text}");
        assert!(text.contains("SHA-256 verified"), "{text}");
        assert!(text.contains(target), "{text}");

        let asked: Vec<String> = host.requests()[before..].to_vec();
        assert_eq!(
            asked,
            [
                release_path(&version, "SHA256SUMS"),
                release_path(&version, asset)
            ],
            "{os} {arch}"
        );

        let exe = if *os == "Windows" {
            "leakward.exe"
        } else {
            "leakward"
        };
        let installed = runner.installed(exe);
        assert_eq!(
            runner.outputs()["leakward"],
            installed.display().to_string()
        );
        let version_output = Command::new(&installed).arg("--version").output().unwrap();
        assert!(
            String::from_utf8_lossy(&version_output.stdout)
                .starts_with(&format!("leakward {version}")),
            "the downloaded binary runs"
        );
    }
}

#[test]
fn a_download_whose_checksum_does_not_match_is_refused() {
    let version = crate_version();
    let host = ReleaseHost::start();
    let release = host.release_dir(&version);
    let asset = write_asset(&release, &version, "x86_64-unknown-linux-musl", "tar.gz");
    write_sums(&release, std::slice::from_ref(&asset));
    // The asset changes after SHA256SUMS was written: a tampered or corrupted download.
    let mut bytes = std::fs::read(release.join(&asset)).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(release.join(&asset), &bytes).unwrap();

    let runner = Runner::new();
    let output = runner.install(
        &host,
        Path::new(env!("CARGO_MANIFEST_DIR")),
        ("Linux", "X64"),
        &[("LEAKWARD_RELEASE_REPOSITORY", REPOSITORY)],
    );
    let text = said(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&format!("checksum mismatch for {asset}")),
        "{text}"
    );
    assert!(
        text.contains(&sha256_hex(&bytes)),
        "names what was downloaded: {text}"
    );
    assert!(text.contains("refusing to run it"), "{text}");
    assert!(
        !runner.installed("leakward").exists(),
        "nothing is installed"
    );
    assert!(!runner.cargo_ran(), "no build from source either");
    assert!(!runner.outputs().contains_key("leakward"));
}

#[test]
fn without_a_release_asset_leakward_is_built_from_source() {
    let version = crate_version();
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from_repository = [("LEAKWARD_RELEASE_REPOSITORY", REPOSITORY)];

    // No release of this version at all.
    let host = ReleaseHost::start();
    let runner = Runner::new();
    let output = runner.install(&host, manifest_dir, ("Linux", "X64"), &from_repository);
    assert!(output.status.success(), "{}", said(&output));
    assert!(runner.cargo_ran(), "{}", said(&output));
    assert!(
        said(&output).contains(&format!("no release v{version}")),
        "{}",
        said(&output)
    );
    assert_eq!(host.requests(), [release_path(&version, "SHA256SUMS")]);

    // A release without an asset for this platform.
    let release = host.release_dir(&version);
    let asset = write_asset(&release, &version, "x86_64-apple-darwin", "tar.gz");
    write_sums(&release, &[asset]);
    let runner = Runner::new();
    let output = runner.install(&host, manifest_dir, ("Linux", "X64"), &from_repository);
    assert!(output.status.success(), "{}", said(&output));
    assert!(runner.cargo_ran(), "{}", said(&output));
    assert!(
        said(&output).contains("has no leakward-"),
        "{}",
        said(&output)
    );
    assert_eq!(
        runner.outputs()["leakward"],
        runner.installed("leakward").display().to_string()
    );

    // A platform with no release binary: nothing is asked of the host.
    let before = host.requests().len();
    let runner = Runner::new();
    let output = runner.install(&host, manifest_dir, ("Linux", "ARM"), &from_repository);
    assert!(output.status.success(), "{}", said(&output));
    assert!(runner.cargo_ran());
    assert_eq!(host.requests().len(), before);

    // An action not taken from a repository (`uses: ./`): nothing to download.
    let runner = Runner::new();
    let output = runner.install(&host, manifest_dir, ("Linux", "X64"), &[]);
    assert!(output.status.success(), "{}", said(&output));
    assert!(runner.cargo_ran());
    assert_eq!(host.requests().len(), before);
}

#[test]
fn a_release_host_error_stops_the_step_instead_of_building() {
    let host = ReleaseHost::start();
    full_release(&host, &crate_version());
    host.forced_status.store(503, Ordering::SeqCst);
    let runner = Runner::new();
    let output = runner.install(
        &host,
        Path::new(env!("CARGO_MANIFEST_DIR")),
        ("Linux", "X64"),
        &[("LEAKWARD_RELEASE_REPOSITORY", REPOSITORY)],
    );
    let text = said(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("HTTP 503"), "{text}");
    assert!(!runner.cargo_ran());
}
