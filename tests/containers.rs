//! Keys inside containers: PNG text chunks (`tEXt`, `zTXt`, `iTXt`), zip-family archives
//! (zip, jar, whl, docx), a `.tar.gz`, a gzip file and an archive inside an archive, in the
//! work tree, in git history and in the staged changes. A finding names the member
//! (`dist/app.jar!config/app.properties`) with the line in it. A zip bomb and too deep a
//! nesting are refused within their limits and counted, never dropped in silence. Every
//! archive is built here, at test time, from fake keys; none is committed.

mod common;

use common::{hermetic_git, leakward, position_of, scan_json, write, FakeKeys};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A zip archive of `members`, each deflated or stored.
fn zip(members: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut archive = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        archive
            .start_file(
                *name,
                SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
        archive.write_all(bytes).unwrap();
    }
    archive.finish().unwrap().into_inner()
}

/// `bytes` gzip-compressed.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A tar archive of `members` (regular files).
fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *bytes).unwrap();
    }
    builder.into_inner().unwrap()
}

/// A 1×1 PNG with the given text chunks (type and data), written chunk by chunk.
fn png(text_chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    for (kind, data) in text_chunks {
        chunk(&mut out, kind, data);
    }
    chunk(&mut out, b"IDAT", &zlib(&[0, 0, 0, 0]));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// `bytes` zlib-compressed (PNG's compressed text).
fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// `(path, line, column, rule_id)` of every finding, sorted.
fn places(document: &Value) -> Vec<(String, u64, u64, String)> {
    common::finding_tuples(document)
}

fn place(path: &str, (line, column): (u64, u64), rule: &str) -> (String, u64, u64, String) {
    (path.to_string(), line, column, rule.to_string())
}

/// The files of the work-tree test: what each holds and where its key must be reported.
struct Tree {
    expected: Vec<(String, u64, u64, String)>,
}

fn build_tree(root: &Path, k: &FakeKeys) -> Tree {
    let mut expected = Vec::new();

    // PNG text: plain, compressed, international (compressed).
    let comment = format!("deploy token {}", k.github_classic);
    let description = format!("ANTHROPIC_API_KEY={}", k.anthropic);
    let xmp = format!(
        "<x:xmpmeta>\n  <openai>{}</openai>\n</x:xmpmeta>",
        k.openai_project
    );
    let mut itxt = b"XML:com.adobe.xmp\0\x01\0\0\0".to_vec();
    itxt.extend(zlib(xmp.as_bytes()));
    let mut ztxt = b"Description\0\0".to_vec();
    ztxt.extend(zlib(description.as_bytes()));
    let mut text = b"Comment\0".to_vec();
    text.extend(comment.as_bytes());
    write(
        root,
        "assets/logo.png",
        png(&[(b"tEXt", text), (b"zTXt", ztxt), (b"iTXt", itxt)]),
    );
    expected.push(place(
        "assets/logo.png!tEXt:Comment",
        position_of(&comment, &k.github_classic),
        "github-classic-pat",
    ));
    expected.push(place(
        "assets/logo.png!zTXt:Description",
        position_of(&description, &k.anthropic),
        "anthropic-api-key",
    ));
    expected.push(place(
        "assets/logo.png!iTXt:XML:com.adobe.xmp",
        position_of(&xmp, &k.openai_project),
        "openai-project-key",
    ));

    // Zip family: a jar (deflated), a wheel (stored), a docx.
    let properties = format!(
        "server.port=8080\n# keys\nanthropic.api.key={}\n",
        k.anthropic
    );
    write(
        root,
        "dist/app.jar",
        zip(
            &[
                ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
                ("config/app.properties", properties.as_bytes()),
            ],
            CompressionMethod::Deflated,
        ),
    );
    expected.push(place(
        "dist/app.jar!config/app.properties",
        position_of(&properties, &k.anthropic),
        "anthropic-api-key",
    ));
    let settings = format!("import os\n\nGITHUB_TOKEN = \"{}\"\n", k.github_classic);
    write(
        root,
        "dist/pkg-1.0-py3-none-any.whl",
        zip(
            &[("pkg/settings.py", settings.as_bytes())],
            CompressionMethod::Stored,
        ),
    );
    expected.push(place(
        "dist/pkg-1.0-py3-none-any.whl!pkg/settings.py",
        position_of(&settings, &k.github_classic),
        "github-classic-pat",
    ));
    let document_xml = format!(
        "<w:document><w:body><w:p><w:r><w:t>Use key {} for the demo</w:t></w:r></w:p></w:body></w:document>",
        k.openai_project
    );
    write(
        root,
        "docs/report.docx",
        zip(
            &[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", document_xml.as_bytes()),
            ],
            CompressionMethod::Deflated,
        ),
    );
    expected.push(place(
        "docs/report.docx!word/document.xml",
        position_of(&document_xml, &k.openai_project),
        "openai-project-key",
    ));

    // A .tar.gz, a .gz, an archive in an archive.
    let env = format!("NODE_ENV=production\nOPENAI_API_KEY={}\n", k.openai_project);
    write(
        root,
        "release/site.tar.gz",
        gzip(&tar(&[("site/.env", env.as_bytes())])),
    );
    expected.push(place(
        "release/site.tar.gz!site/.env",
        position_of(&env, &k.openai_project),
        "openai-project-key",
    ));
    let log = format!("INFO start\nDEBUG token={}\n", k.github_classic);
    write(root, "logs/app.log.gz", gzip(log.as_bytes()));
    expected.push(place(
        "logs/app.log.gz!app.log",
        position_of(&log, &k.github_classic),
        "github-classic-pat",
    ));
    let yml = format!("anthropic:\n  api-key: {}\n", k.anthropic);
    let inner = zip(
        &[("application.yml", yml.as_bytes())],
        CompressionMethod::Deflated,
    );
    write(
        root,
        "dist/bundle.zip",
        zip(
            &[("lib/inner.jar", &inner), ("README", b"hello\n")],
            CompressionMethod::Stored,
        ),
    );
    expected.push(place(
        "dist/bundle.zip!lib/inner.jar!application.yml",
        position_of(&yml, &k.anthropic),
        "anthropic-api-key",
    ));

    // A zip bomb (20 MiB of zeros, deflated a thousandfold) next to a member with a key.
    let notes = format!("token: {}\n", k.github_classic);
    write(
        root,
        "dist/bomb.zip",
        zip(
            &[
                ("zeros.bin", &vec![0u8; 20 << 20]),
                ("notes.txt", notes.as_bytes()),
            ],
            CompressionMethod::Deflated,
        ),
    );
    expected.push(place(
        "dist/bomb.zip!notes.txt",
        position_of(&notes, &k.github_classic),
        "github-classic-pat",
    ));

    // Nested five deep: the key, at the bottom, is past the depth limit.
    let mut deep = zip(
        &[(
            "key.txt",
            format!("GITHUB_TOKEN={}\n", k.github_classic).as_bytes(),
        )],
        CompressionMethod::Deflated,
    );
    for level in (1..=4).rev() {
        let name = format!("l{level}.zip");
        deep = zip(&[(name.as_str(), &deep)], CompressionMethod::Deflated);
    }
    write(root, "dist/deep.zip", deep);

    // Negative twins: the same containers with placeholders, and an image without text.
    let mut placeholder = b"Description\0\0".to_vec();
    placeholder.extend(zlib(b"ANTHROPIC_API_KEY=sk-ant-api03-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXAA"));
    write(root, "assets/template.png", png(&[(b"zTXt", placeholder)]));
    write(root, "assets/plain.png", png(&[]));
    write(
        root,
        "dist/template.jar",
        zip(
            &[(
                "config/app.properties",
                b"anthropic.api.key=${ANTHROPIC_API_KEY}\nopenai.key=<your-openai-key>\n",
            )],
            CompressionMethod::Deflated,
        ),
    );
    write(
        root,
        "release/template.tar.gz",
        gzip(&tar(&[(
            "site/.env.example",
            b"OPENAI_API_KEY=sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n",
        )])),
    );
    expected.sort();
    Tree { expected }
}

#[test]
fn keys_inside_containers_name_their_member() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let k = FakeKeys::new(41);
    let tree = build_tree(root, &k);

    let (document, code) = scan_json(root, &[]);
    assert_eq!(code, 1);
    assert_eq!(places(&document), tree.expected);
    for finding in document["findings"].as_array().unwrap() {
        let path = finding["path"].as_str().unwrap();
        let (file, member) = path.split_once('!').unwrap();
        assert_eq!(finding["member"], member, "{path}");
        assert!(root.join(file).is_file(), "{path}");
    }

    // The bomb's zeros and the bottom of the deep nesting are counted, with the limit.
    let stats = &document["stats"];
    assert_eq!(stats["containers_limited"], 2, "{stats:#}");
    let skipped: Vec<(&str, &str)> = stats["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["path"].as_str().unwrap(), s["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("dist/bomb.zip!zeros.bin", "container-limit"),
            ("dist/deep.zip!l1.zip!l2.zip!l3.zip", "container-limit"),
        ]
    );
    let reasons: Vec<&str> = stats["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert!(reasons[0].contains("100:1"), "{reasons:?}");
    assert!(reasons[1].contains("3 containers deep"), "{reasons:?}");
    assert!(
        stats["members_scanned"].as_u64().unwrap() >= 12,
        "{stats:#}"
    );

    // A warning on stderr says so too.
    let output = leakward()
        .current_dir(root)
        .args(["scan", "dist/bomb.zip"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("dist/bomb.zip!zeros.bin: not read: inflates more than 100:1"),
        "{stderr}"
    );

    // SARIF places a member's key on its archive, and names the member.
    let output = leakward()
        .current_dir(root)
        .args(["scan", "dist/app.jar", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "dist/app.jar"
    );
    assert_eq!(result["properties"]["member"], "config/app.properties");
    assert_eq!(result["properties"]["memberLine"], 3);
}

#[test]
fn a_damaged_archive_is_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let k = FakeKeys::new(43);
    let whole = zip(
        &[("a.txt", format!("token={}\n", k.github_classic).as_bytes())],
        CompressionMethod::Deflated,
    );
    write(root, "cut.zip", &whole[..whole.len() / 2]);
    write(root, "fake.gz", b"\x1f\x8b\x08 this is no gzip stream");
    write(root, "notes.txt", "nothing here\n");
    let (document, code) = scan_json(root, &[]);
    assert_eq!(code, 0, "{document:#}");
    let kinds: Vec<&str> = document["stats"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["container-unreadable", "container-unreadable"]);
    assert_eq!(document["stats"]["files_scanned"], 3);
}

/// git in `dir`, hermetic, on `main`, without signing.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = hermetic_git(dir)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn history_and_staged_blobs_are_opened_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let k = FakeKeys::new(47);
    git(root, &["init", "-q"]);
    write(root, "README.md", "# demo\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "start"]);

    // Staged: a new jar with a key blocks the commit.
    let properties = format!(
        "server.port=8080\n# keys\nanthropic.api.key={}\n",
        k.anthropic
    );
    let jar = zip(
        &[("config/app.properties", properties.as_bytes())],
        CompressionMethod::Deflated,
    );
    write(root, "dist/app.jar", &jar);
    let encoded = {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bytes = k.github_classic.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            }
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
        out
    };
    let secret_yaml = format!("kind: Secret\ndata:\n  GITHUB_TOKEN: {encoded}\n");
    write(root, "k8s/secret.yaml", &secret_yaml);
    git(root, &["add", "-A"]);
    let staged = leakward()
        .current_dir(root)
        .args(["staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(staged.status.code(), Some(1));
    let document: Value = serde_json::from_slice(&staged.stdout).unwrap();
    let expected = vec![
        place(
            "dist/app.jar!config/app.properties",
            position_of(&properties, &k.anthropic),
            "anthropic-api-key",
        ),
        place(
            "k8s/secret.yaml",
            position_of(&secret_yaml, &encoded),
            "github-classic-pat",
        ),
    ];
    assert_eq!(places(&document), expected);
    git(root, &["commit", "-qm", "add the build"]);
    let introducing = git(root, &["rev-parse", "HEAD"]);

    // Staged again: the jar rebuilt with one more member; its key was committed already.
    let jar = zip(
        &[
            ("config/app.properties", properties.as_bytes()),
            ("config/extra.txt", b"more\n"),
        ],
        CompressionMethod::Deflated,
    );
    write(root, "dist/app.jar", &jar);
    git(root, &["add", "-A"]);
    let staged = leakward()
        .current_dir(root)
        .args(["staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        staged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&staged.stdout)
    );
    git(root, &["commit", "-qm", "rebuild"]);

    // Deleted later: history still has both keys, at the commit that introduced them.
    git(root, &["rm", "-rq", "dist", "k8s"]);
    git(root, &["commit", "-qm", "remove the build"]);
    let output = leakward()
        .current_dir(root)
        .args(["git", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(places(&document), expected);
    for finding in document["findings"].as_array().unwrap() {
        assert_eq!(finding["commit"], introducing.as_str(), "{finding:#}");
    }
    let jar_finding = &document["findings"][0];
    assert_eq!(jar_finding["member"], "config/app.properties");
    assert_eq!(
        document["findings"][1]["decoded"],
        serde_json::json!(["base64"])
    );
    assert!(document["stats"]["members_scanned"].as_u64().unwrap() >= 2);
}
