//! The first seconds of a v2 connection, on the socket: the plaintext preamble both ways, then
//! the Noise XX handshake. The state machines are sans-IO in [`p2pchat_engine::wire::secure`]; this
//! file only moves their bytes.

use p2pchat_engine::node::Refusal;
use p2pchat_engine::wire::secure::{
    parse_preamble, preamble, record, version_reject, NoiseHandshake, Preamble, SecureCodec,
    MAX_PREAMBLE_LEN,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Why a connection did not become secure.
#[derive(Debug)]
pub enum Failure {
    /// A version mismatch, told to the user.
    Refused(Refusal),
    /// Anything else, reported as a rejected connection.
    Error(String),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        if p2pchat_engine::node::is_connection_lost(e.kind()) {
            let lost = p2pchat_engine::node::CONNECTION_LOST;
            return Failure::Error(format!("{lost} during the handshake: {e}"));
        }
        Failure::Error(format!("connection error during the handshake: {e}"))
    }
}

impl From<p2pchat_engine::wire::secure::SecureError> for Failure {
    fn from(e: p2pchat_engine::wire::secure::SecureError) -> Failure {
        Failure::Error(e.to_string())
    }
}

fn v1_frame(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

/// Runs the preamble and the Noise handshake on `stream` (`outbound`: we dialed, so we are the
/// Noise initiator). On success: the handshake hash and the transport codec.
pub async fn establish(
    stream: &mut TcpStream,
    outbound: bool,
    max_frame_len: usize,
) -> Result<([u8; 32], SecureCodec), Failure> {
    let mut noise = NoiseHandshake::new(outbound)?;
    // The initiator's first Noise message goes out with its preamble, in one write.
    let mut first = v1_frame(&preamble());
    if outbound {
        first.extend_from_slice(&record(&noise.write()?));
    }
    stream.write_all(&first).await?;
    match parse_preamble(&read_preamble(stream).await?) {
        Preamble::Compatible => {}
        Preamble::OtherVersion(v) => {
            let _ = stream.write_all(&v1_frame(&version_reject())).await;
            let _ = stream.shutdown().await;
            return Err(Failure::Refused(Refusal::TheirVersion(v)));
        }
        Preamble::Refused(message) => return Err(Failure::Refused(Refusal::TheyRefused(message))),
        Preamble::Malformed => return Err(Failure::Error("malformed preamble".into())),
    }
    while !noise.is_finished() {
        if noise.is_my_turn() {
            stream.write_all(&record(&noise.write()?)).await?;
        } else {
            let len = usize::from(stream.read_u16().await?);
            let mut msg = vec![0u8; len];
            stream.read_exact(&mut msg).await?;
            noise.read(&msg)?;
        }
    }
    Ok(noise.finish(max_frame_len)?)
}

async fn read_preamble(stream: &mut TcpStream) -> Result<Vec<u8>, Failure> {
    let len = stream.read_u32().await? as usize;
    if len > MAX_PREAMBLE_LEN {
        return Err(Failure::Error(format!(
            "preamble over the size limit ({MAX_PREAMBLE_LEN} bytes)"
        )));
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await?;
    Ok(body)
}
