//! The baselines the transfer is compared with: the payload file, plain TCP with socat on the
//! same path, and each stage of the transfer (hashing, encryption, disk) alone on one core.

use p2pchat_testkit::support::die;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MIB: u64 = 1024 * 1024;

/// Deterministic, incompressible-looking bytes, written in 1 MiB blocks.
pub fn write_payload(path: &Path, size: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut block = vec![0u8; MIB as usize];
    let mut left = size;
    while left > 0 {
        for w in block.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w.copy_from_slice(&x.to_le_bytes());
        }
        let n = left.min(MIB) as usize;
        f.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    f.flush().unwrap();
}

/// Where the time goes: each stage alone on one core, over 256 MiB (or the file if smaller).
pub fn breakdown(src: &Path) {
    use p2pchat_engine::files::manifest::chunk_hash;
    use p2pchat_engine::wire::secure::NoiseHandshake;
    let n = (256 * MIB).min(std::fs::metadata(src).unwrap().len()) as usize;
    let data = vec![0x5au8; n];
    let t = Instant::now();
    let mut acc = 0u8;
    for c in data.chunks(MIB as usize) {
        acc ^= chunk_hash(c)[0];
    }
    let hash = n as f64 / MIB as f64 / t.elapsed().as_secs_f64();
    // A Noise pair in memory, then seal/open 1 MiB frames.
    let mut i = NoiseHandshake::new(true).unwrap();
    let mut r = NoiseHandshake::new(false).unwrap();
    while !(i.is_finished() && r.is_finished()) {
        if i.is_my_turn() && !i.is_finished() {
            r.read(&i.write().unwrap()).unwrap();
        } else {
            i.read(&r.write().unwrap()).unwrap();
        }
    }
    let (_, mut tx) = i.finish(2 * MIB as usize).unwrap();
    let (_, mut rx) = r.finish(2 * MIB as usize).unwrap();
    let t = Instant::now();
    let mut wire = bytes::BytesMut::new();
    for c in data.chunks(MIB as usize) {
        tx.seal(c, &mut wire).unwrap();
        acc ^= rx.open(&mut wire).unwrap().unwrap()[0];
    }
    let crypt = n as f64 / MIB as f64 / t.elapsed().as_secs_f64();
    let out = src.with_extension("disk");
    let t = Instant::now();
    {
        let mut f = std::fs::File::create(&out).unwrap();
        for c in data.chunks(MIB as usize) {
            f.write_all(c).unwrap();
        }
        f.sync_all().unwrap();
    }
    let disk = n as f64 / MIB as f64 / t.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&out);
    println!(
        "\nwhere the time goes, each alone on one core over {} MiB: BLAKE3 {hash:.0} MiB/s · \
         ChaCha20-Poly1305 seal+open {crypt:.0} MiB/s · disk write+fsync {disk:.0} MiB/s ({acc})",
        n as u64 / MIB
    );
    println!(
        "  per byte the sender reads and hashes and encrypts, the receiver decrypts, hashes \
         (chunk and whole file) and writes"
    );
}

/// How long plain TCP took: until socat exited (the file in the page cache), and until the
/// received file was also on disk (socat, then an fsync of it: what a p2pchat-tui transfer
/// waits for before it says done).
pub struct Plain {
    pub cached_s: f64,
    pub durable_s: f64,
}

/// Times socat moving `src` to `dst` over `host:port`; the receiver runs under `recv_wrap`,
/// the sender under `send_wrap`.
pub fn plain_tcp(
    src: &Path,
    dst: &Path,
    host: &str,
    port: u16,
    recv_wrap: &[String],
    send_wrap: &[String],
) -> Plain {
    let spawn = |wrap: &[String], args: Vec<String>| {
        let mut c = if wrap.is_empty() {
            Command::new("socat")
        } else {
            let mut c = Command::new(&wrap[0]);
            c.args(&wrap[1..]).arg("socat");
            c
        };
        c.args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut recv = spawn(
        recv_wrap,
        vec![
            "-u".into(),
            format!("TCP-LISTEN:{port},reuseaddr"),
            format!("OPEN:{},creat,trunc", dst.display()),
        ],
    );
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    let mut send = spawn(
        send_wrap,
        vec![
            "-u".into(),
            format!("OPEN:{}", src.display()),
            format!("TCP:{host}:{port}"),
        ],
    );
    let _ = send.wait();
    let _ = recv.wait();
    let cached_s = t.elapsed().as_secs_f64();
    if let Ok(f) = std::fs::File::open(dst) {
        f.sync_all()
            .unwrap_or_else(|e| die(&format!("fsync of socat's file: {e}")));
    }
    let durable_s = t.elapsed().as_secs_f64();
    let got = std::fs::metadata(dst).map(|m| m.len()).unwrap_or(0);
    let want = std::fs::metadata(src).unwrap().len();
    if got != want {
        die(&format!("socat moved {got} of {want} bytes"));
    }
    let _ = std::fs::remove_file(dst);
    Plain {
        cached_s,
        durable_s,
    }
}
