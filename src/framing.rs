//! MQTT's framing, shared by the broker's codec and bench's client codec: the variable byte
//! integer (MQTT 3.1.1 §2.2.3, 5.0 §1.5.5) and the fixed header it ends.

use bytes::{BufMut, BytesMut};

/// A variable byte integer of more than four bytes [MQTT-1.5.5-1]: the packet is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("variable byte integer longer than 4 bytes")]
pub struct TooLong;

/// Appends `n` as a variable byte integer (`n` at most 268,435,455).
#[inline]
pub fn put_varint(out: &mut BytesMut, mut n: usize) {
    loop {
        let byte = (n % 128) as u8;
        n /= 128;
        if n == 0 {
            out.put_u8(byte);
            return;
        }
        out.put_u8(byte | 0x80);
    }
}

/// The bytes `n` takes as a variable byte integer.
#[inline]
pub fn varint_len(n: usize) -> usize {
    match n {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Reads a variable byte integer at the start of `buf`: `(value, bytes used)`, `None` until
/// complete.
#[inline]
pub fn read_varint(buf: &[u8]) -> Result<Option<(usize, usize)>, TooLong> {
    let mut value = 0usize;
    for (i, &byte) in buf.iter().enumerate() {
        if i == 4 {
            return Err(TooLong);
        }
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
    }
    if buf.len() >= 4 {
        return Err(TooLong);
    }
    Ok(None)
}

/// The fixed header at the start of `buf`: `(first byte, header length, remaining length)`,
/// `None` until complete.
#[inline]
pub fn fixed_header(buf: &[u8]) -> Result<Option<(u8, usize, usize)>, TooLong> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    Ok(read_varint(&buf[1..])?.map(|(remaining, n)| (first, 1 + n, remaining)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_at_every_length_boundary() {
        for n in [
            0,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            268_435_455,
        ] {
            let mut out = BytesMut::new();
            put_varint(&mut out, n);
            assert_eq!(out.len(), varint_len(n));
            assert_eq!(read_varint(&out), Ok(Some((n, out.len()))));
            assert_eq!(read_varint(&out[..out.len() - 1]), Ok(None));
        }
        assert_eq!(read_varint(&[0xff, 0xff, 0xff, 0xff]), Err(TooLong));
    }
}
