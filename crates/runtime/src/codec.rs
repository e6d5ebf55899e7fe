//! The engine's framing as tokio-util codecs: the plain length-prefix codec and the Noise
//! record codec, so connection tasks can use `FramedRead`/`FramedWrite`.

use bytes::{Bytes, BytesMut};
use p2pchat_engine::wire::secure::SecureCodec;
use tokio_util::codec::{Decoder, Encoder, LengthDelimitedCodec};

/// The length-prefix codec: 4-byte big-endian length, refusing any frame longer than
/// `max_frame_len` as soon as its header is read, before a byte of it is buffered.
pub fn frame_codec(max_frame_len: usize) -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .length_field_length(4)
        .big_endian()
        .max_frame_length(max_frame_len)
        .new_codec()
}

/// [`SecureCodec`] as a tokio-util codec: records in, frame bodies out.
#[derive(Clone, Debug)]
pub struct Records(pub SecureCodec);

impl std::ops::Deref for Records {
    type Target = SecureCodec;
    fn deref(&self) -> &SecureCodec {
        &self.0
    }
}

impl std::ops::DerefMut for Records {
    fn deref_mut(&mut self) -> &mut SecureCodec {
        &mut self.0
    }
}

impl Decoder for Records {
    type Item = Bytes;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, std::io::Error> {
        self.0
            .open(src)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

impl Encoder<Bytes> for Records {
    type Error = std::io::Error;

    fn encode(&mut self, frame: Bytes, dst: &mut BytesMut) -> Result<(), std::io::Error> {
        self.0
            .seal(&frame, dst)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p2pchat_engine::wire::{decode_frame, Frame};

    const MAX: usize = 64 * 1024;

    #[test]
    fn codec_refuses_a_4_gib_length_prefix_without_buffering() {
        let mut codec = frame_codec(MAX);
        let mut buf = BytesMut::from(&[0xff, 0xff, 0xff, 0xff, b'{'][..]);
        assert!(codec.decode(&mut buf).is_err());
    }

    #[test]
    fn codec_round_trip() {
        let mut codec = frame_codec(MAX);
        let mut buf = BytesMut::new();
        codec
            .encode(Bytes::from_static(b"{\"type\":\"ping\"}"), &mut buf)
            .unwrap();
        assert_eq!(&buf[..4], &[0, 0, 0, 15]);
        let out = codec.decode(&mut buf).unwrap().unwrap();
        assert_eq!(decode_frame(&out, MAX).unwrap(), Frame::Ping);
    }
}
