//! A cursor over a packet's body: MQTT's integers, length-prefixed fields and strings, each
//! failing as a malformed packet when the body ends too soon.

use super::{malformed, DecodeError};
use crate::framing;

/// Reads a packet body front to back.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Everything not read yet, consumed.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = &self.buf[self.pos..];
        self.pos = self.buf.len();
        rest
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or_else(|| malformed("packet ends inside a field"))?;
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    /// A byte.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    /// A two byte integer.
    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// A four byte integer.
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A variable byte integer, in its shortest form or not [MQTT-1.5.5-1].
    pub fn varint(&mut self) -> Result<u32, DecodeError> {
        match framing::read_varint(&self.buf[self.pos..]) {
            Ok(Some((value, used))) => {
                self.pos += used;
                Ok(value as u32)
            }
            Ok(None) => Err(malformed("packet ends inside a variable byte integer")),
            Err(_) => Err(malformed(
                "variable byte integer longer than 4 bytes [MQTT-1.5.5-1]",
            )),
        }
    }

    /// A length-prefixed field (binary data).
    pub fn raw_field(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }

    /// A UTF-8 string: well-formed, without U+0000 [MQTT-1.5.4-1, MQTT-1.5.4-2].
    pub fn string(&mut self, what: &str) -> Result<&'a str, DecodeError> {
        let bytes = self.raw_field()?;
        let s = std::str::from_utf8(bytes)
            .map_err(|_| malformed(format!("{what} is not valid UTF-8 [MQTT-1.5.4-1]")))?;
        if s.contains('\0') {
            return Err(malformed(format!("{what} contains U+0000 [MQTT-1.5.4-2]")));
        }
        Ok(s)
    }
}
