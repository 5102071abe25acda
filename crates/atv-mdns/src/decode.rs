//! Reading DNS messages, record by record.
//!
//! hickory-proto's `Message::from_vec` rejects a whole packet when one record is odd (for
//! example the zero-length TXT some devices send). Real networks have such devices, so this
//! parser reads the header and question section strictly (any fault is an error) and then
//! each record on its own: a record whose RDATA does not parse is skipped and counted, the
//! ones around it are kept. When a record's framing itself is broken (owner name or RDATA
//! length running past the end) nothing after it can be located, so parsing stops there and
//! the records read so far are returned.
//!
//! Names are read with hickory's decoder, which follows compression pointers only backwards
//! (so pointer loops cannot occur) and bounds label and name lengths.

use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::serialize::binary::{BinDecodable, BinDecoder};

use crate::error::Error;
use crate::message::{Name, Packet, Question, Record, RecordData, RecordType};

const CLASS_TOP_BIT: u16 = 0x8000;
const HEADER_LEN: usize = 12;

/// A parsed packet and how many of its records had to be left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The packet, without the records that could not be read.
    pub packet: Packet,
    /// Number of records announced in the header that are missing from `packet` (bad RDATA,
    /// or unreadable framing and everything after it).
    pub skipped_records: usize,
}

/// Parses a DNS message.
///
/// Fails with [`Error::MalformedPacket`] when the header or the question section cannot be
/// read; bad records are skipped (see the module documentation). Never panics.
pub fn decode(bytes: &[u8]) -> Result<Decoded, Error> {
    if bytes.len() > usize::from(u16::MAX) {
        return Err(Error::malformed("longer than any UDP datagram"));
    }
    if bytes.len() < HEADER_LEN {
        return Err(Error::malformed("shorter than a DNS header"));
    }
    let mut decoder = BinDecoder::new(bytes);
    let id = read_u16(&mut decoder)?;
    let flags = read_u16(&mut decoder)?;
    let question_count = read_u16(&mut decoder)?;
    let answer_count = usize::from(read_u16(&mut decoder)?);
    let authority_count = usize::from(read_u16(&mut decoder)?);
    let additional_count = usize::from(read_u16(&mut decoder)?);

    let mut questions = Vec::new();
    for _ in 0..question_count {
        questions.push(read_question(&mut decoder)?);
    }

    let mut reader = RecordReader {
        bytes,
        offset: decoder.index(),
        broken: false,
        skipped: 0,
    };
    let answers = reader.read_section(answer_count);
    let authorities = reader.read_section(authority_count);
    let additionals = reader.read_section(additional_count);

    Ok(Decoded {
        packet: Packet {
            id,
            flags,
            questions,
            answers,
            authorities,
            additionals,
        },
        skipped_records: reader.skipped,
    })
}

fn read_u16(decoder: &mut BinDecoder<'_>) -> Result<u16, Error> {
    decoder
        .read_u16()
        .map(|v| v.unverified())
        .map_err(|e| Error::malformed(e.to_string()))
}

fn read_question(decoder: &mut BinDecoder<'_>) -> Result<Question, Error> {
    let name = Name::read(decoder).map_err(|e| Error::malformed(format!("question name: {e}")))?;
    let query_type = RecordType::from(read_u16(decoder)?);
    let class = read_u16(decoder)?;
    Ok(Question {
        name,
        query_type,
        query_class: class & !CLASS_TOP_BIT,
        unicast_response: class & CLASS_TOP_BIT != 0,
    })
}

/// Reads records one at a time from an offset, so that a bad one can be stepped over.
struct RecordReader<'a> {
    bytes: &'a [u8],
    offset: usize,
    broken: bool,
    skipped: usize,
}

/// Why a record was not kept.
enum RecordFault {
    /// The record's extent is unknown: stop reading.
    Framing,
    /// The record is bad but its end is known: skip it.
    Data,
}

impl RecordReader<'_> {
    fn read_section(&mut self, count: usize) -> Vec<Record> {
        let mut records = Vec::new();
        for _ in 0..count {
            if self.broken {
                self.skipped += 1;
                continue;
            }
            match self.read_record() {
                Ok(record) => records.push(record),
                Err(RecordFault::Data) => self.skipped += 1,
                Err(RecordFault::Framing) => {
                    self.broken = true;
                    self.skipped += 1;
                }
            }
        }
        records
    }

    fn read_record(&mut self) -> Result<Record, RecordFault> {
        let start = u16::try_from(self.offset).map_err(|_| RecordFault::Framing)?;
        let mut decoder = BinDecoder::new(self.bytes).clone(start);
        let name = Name::read(&mut decoder).map_err(|_| RecordFault::Framing)?;
        let record_type = framing_u16(&mut decoder)?;
        let class = framing_u16(&mut decoder)?;
        let ttl = decoder
            .read_u32()
            .map(|v| v.unverified())
            .map_err(|_| RecordFault::Framing)?;
        let rdata_len = usize::from(framing_u16(&mut decoder)?);
        let rdata_start = decoder.index();
        let rdata_end = rdata_start
            .checked_add(rdata_len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(RecordFault::Framing)?;
        // The record's extent is known from here on: the next one starts at rdata_end.
        self.offset = rdata_end;

        let data =
            read_rdata(self.bytes, rdata_start, rdata_end, record_type).ok_or(RecordFault::Data)?;
        Ok(Record {
            name,
            class: class & !CLASS_TOP_BIT,
            cache_flush: class & CLASS_TOP_BIT != 0,
            ttl,
            data,
        })
    }
}

fn framing_u16(decoder: &mut BinDecoder<'_>) -> Result<u16, RecordFault> {
    decoder
        .read_u16()
        .map(|v| v.unverified())
        .map_err(|_| RecordFault::Framing)
}

/// Decodes RDATA lying in `bytes[start..end]`; `None` when it is malformed.
fn read_rdata(bytes: &[u8], start: usize, end: usize, record_type: u16) -> Option<RecordData> {
    let rdata = bytes.get(start..end)?;
    match RecordType::from(record_type) {
        RecordType::A => {
            let octets: [u8; 4] = rdata.try_into().ok()?;
            Some(RecordData::A(Ipv4Addr::from(octets)))
        }
        RecordType::AAAA => {
            let octets: [u8; 16] = rdata.try_into().ok()?;
            Some(RecordData::Aaaa(Ipv6Addr::from(octets)))
        }
        RecordType::PTR => {
            let (name, name_end) = read_name_at(bytes, start)?;
            (name_end == end).then_some(RecordData::Ptr(name))
        }
        RecordType::SRV => {
            let fixed = rdata.get(..6)?;
            let priority = u16::from_be_bytes([*fixed.first()?, *fixed.get(1)?]);
            let weight = u16::from_be_bytes([*fixed.get(2)?, *fixed.get(3)?]);
            let port = u16::from_be_bytes([*fixed.get(4)?, *fixed.get(5)?]);
            let (target, name_end) = read_name_at(bytes, start.checked_add(6)?)?;
            (name_end == end).then_some(RecordData::Srv {
                priority,
                weight,
                port,
                target,
            })
        }
        RecordType::TXT => read_txt(rdata).map(RecordData::Txt),
        _ => Some(RecordData::Other {
            record_type,
            data: rdata.to_vec(),
        }),
    }
}

/// Reads a (possibly compressed) name starting at `offset` of the whole message; returns
/// it with the offset just past its in-place encoding.
fn read_name_at(bytes: &[u8], offset: usize) -> Option<(Name, usize)> {
    let offset = u16::try_from(offset).ok()?;
    if usize::from(offset) >= bytes.len() {
        return None;
    }
    let mut decoder = BinDecoder::new(bytes).clone(offset);
    let name = Name::read(&mut decoder).ok()?;
    Some((name, decoder.index()))
}

/// Splits TXT RDATA into its character strings; `None` when a length runs past the end.
fn read_txt(mut rdata: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut strings = Vec::new();
    while let Some((&len, rest)) = rdata.split_first() {
        let len = usize::from(len);
        let string = rest.get(..len)?;
        strings.push(string.to_vec());
        rdata = rest.get(len..)?;
    }
    Some(strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(qd: u16, an: u16, ns: u16, ar: u16) -> Vec<u8> {
        let mut out = vec![0, 0, 0x84, 0];
        for count in [qd, an, ns, ar] {
            out.extend_from_slice(&count.to_be_bytes());
        }
        out
    }

    fn record(name: &[u8], rtype: u16, class: u16, rdata: &[u8]) -> Vec<u8> {
        let mut out = name.to_vec();
        out.extend_from_slice(&rtype.to_be_bytes());
        out.extend_from_slice(&class.to_be_bytes());
        out.extend_from_slice(&120u32.to_be_bytes());
        out.extend_from_slice(&u16::try_from(rdata.len()).unwrap().to_be_bytes());
        out.extend_from_slice(rdata);
        out
    }

    #[test]
    fn empty_txt_is_kept_and_neighbours_survive() {
        let mut packet = header(0, 3, 0, 0);
        packet.extend(record(b"\x01a\x05local\x00", 16, 0x8001, b""));
        packet.extend(record(b"\xc0\x0c", 1, 0x8001, &[10, 0, 0, 1]));
        packet.extend(record(b"\xc0\x0c", 16, 1, b"\x03a=b"));
        let decoded = decode(&packet).unwrap();
        assert_eq!(decoded.skipped_records, 0);
        let answers = &decoded.packet.answers;
        assert_eq!(answers.len(), 3);
        assert_eq!(answers[0].data, RecordData::Txt(vec![]));
        assert!(answers[0].cache_flush);
        assert_eq!(answers[0].class, 1);
        assert_eq!(answers[1].data, RecordData::A(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(answers[1].name.to_string(), "a.local.");
        assert_eq!(answers[2].data, RecordData::Txt(vec![b"a=b".to_vec()]));
        assert!(!answers[2].cache_flush);
    }

    #[test]
    fn bad_rdata_is_skipped_and_counted() {
        let mut packet = header(0, 4, 0, 1);
        packet.extend(record(b"\x01a\x00", 1, 1, &[1, 2, 3])); // A with 3 bytes
        packet.extend(record(b"\x01a\x00", 16, 1, b"\x05ab")); // TXT string overruns
        packet.extend(record(b"\x01a\x00", 12, 1, b"\x01b\x00\x00")); // PTR with trailing byte
        packet.extend(record(b"\x01a\x00", 33, 1, b"\x00\x00")); // SRV too short
        packet.extend(record(b"\x01a\x00", 1, 1, &[1, 2, 3, 4]));
        let decoded = decode(&packet).unwrap();
        assert_eq!(decoded.skipped_records, 4);
        assert!(decoded.packet.answers.is_empty());
        assert_eq!(decoded.packet.additionals.len(), 1);
    }

    #[test]
    fn broken_framing_stops_but_keeps_earlier_records() {
        let mut packet = header(0, 3, 0, 0);
        packet.extend(record(b"\x01a\x00", 1, 1, &[1, 2, 3, 4]));
        let mut bad = record(b"\x01a\x00", 1, 1, &[1, 2, 3, 4]);
        // RDLENGTH claims far more than is there.
        let len_at = bad.len() - 6;
        bad[len_at] = 0xff;
        packet.extend(bad);
        let decoded = decode(&packet).unwrap();
        assert_eq!(decoded.packet.answers.len(), 1);
        assert_eq!(decoded.skipped_records, 2);
    }

    #[test]
    fn header_and_question_faults_are_errors() {
        assert!(decode(&[0; 11]).is_err());
        // One question announced, none present.
        assert!(decode(&header(1, 0, 0, 0)).is_err());
        // Question whose name points at itself.
        let mut packet = header(1, 0, 0, 0);
        packet.extend_from_slice(b"\xc0\x0c\x00\x0c\x00\x01");
        assert!(decode(&packet).is_err());
        // Question whose name points forwards.
        let mut packet = header(1, 0, 0, 0);
        packet.extend_from_slice(b"\xc0\x20\x00\x0c\x00\x01");
        assert!(decode(&packet).is_err());
        // A label length with the reserved 0b01 prefix.
        let mut packet = header(1, 0, 0, 0);
        packet.extend_from_slice(b"\x41a\x00\x00\x0c\x00\x01");
        assert!(decode(&packet).is_err());
    }

    #[test]
    fn pointer_chain_backwards_resolves() {
        // Two levels of compression, like pyatv's "multi_compressed" name vector.
        let mut packet = header(0, 3, 0, 0);
        packet.extend(record(b"\x04test\x00", 16, 1, b"")); // "test" at offset 12
        let label_at = packet.len() + 1 + 10;
        packet.extend(record(b"\x00", 12, 1, b"\x05label\xc0\x0c"));
        let pointer = 0xc000 | u16::try_from(label_at).unwrap();
        let mut rdata = b"\x03foo".to_vec();
        rdata.extend_from_slice(&pointer.to_be_bytes());
        packet.extend(record(b"\x00", 12, 1, &rdata));
        let decoded = decode(&packet).unwrap();
        assert_eq!(decoded.skipped_records, 0);
        let names: Vec<String> = decoded.packet.answers[1..]
            .iter()
            .map(|r| match &r.data {
                RecordData::Ptr(name) => name.to_string(),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(names, ["label.test.", "foo.label.test."]);
    }

    #[test]
    fn absurd_counts_do_not_allocate_or_panic() {
        let mut packet = vec![0, 0, 0x84, 0];
        packet.extend_from_slice(&[0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        let decoded = decode(&packet).unwrap();
        assert!(decoded.packet.answers.is_empty());
        assert_eq!(decoded.skipped_records, 3 * 65535);
        let mut packet = vec![0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0];
        packet.extend_from_slice(b"\x00\x00\x0c\x00\x01");
        assert!(decode(&packet).is_err());
    }
}
