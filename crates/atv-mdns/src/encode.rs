//! Writing DNS messages (with name compression) using hickory-proto's encoder.

use hickory_proto::serialize::binary::{BinEncodable, BinEncoder};

use crate::error::Error;
use crate::message::{Packet, Question, Record, RecordData};

const CLASS_TOP_BIT: u16 = 0x8000;

/// Encodes a message. Fails when a count does not fit the header, a TXT string is longer
/// than 255 bytes, or the message exceeds 65535 bytes.
pub fn encode(packet: &Packet) -> Result<Vec<u8>, Error> {
    let mut buffer = Vec::with_capacity(512);
    let mut encoder = BinEncoder::new(&mut buffer);
    write_packet(&mut encoder, packet).map_err(|e| Error::Encode {
        reason: e.to_string(),
    })?;
    Ok(buffer)
}

fn count(len: usize) -> Result<u16, hickory_proto::ProtoError> {
    u16::try_from(len).map_err(|_| "more than 65535 entries in a section".into())
}

fn write_packet(
    encoder: &mut BinEncoder<'_>,
    packet: &Packet,
) -> Result<(), hickory_proto::ProtoError> {
    encoder.emit_u16(packet.id)?;
    encoder.emit_u16(packet.flags)?;
    encoder.emit_u16(count(packet.questions.len())?)?;
    encoder.emit_u16(count(packet.answers.len())?)?;
    encoder.emit_u16(count(packet.authorities.len())?)?;
    encoder.emit_u16(count(packet.additionals.len())?)?;
    for question in &packet.questions {
        write_question(encoder, question)?;
    }
    for record in packet
        .answers
        .iter()
        .chain(&packet.authorities)
        .chain(&packet.additionals)
    {
        write_record(encoder, record)?;
    }
    Ok(())
}

fn write_question(
    encoder: &mut BinEncoder<'_>,
    question: &Question,
) -> Result<(), hickory_proto::ProtoError> {
    question.name.emit(encoder)?;
    encoder.emit_u16(question.query_type.into())?;
    let qu = if question.unicast_response {
        CLASS_TOP_BIT
    } else {
        0
    };
    encoder.emit_u16(question.query_class | qu)
}

fn write_record(
    encoder: &mut BinEncoder<'_>,
    record: &Record,
) -> Result<(), hickory_proto::ProtoError> {
    record.name.emit(encoder)?;
    encoder.emit_u16(record.record_type().into())?;
    let flush = if record.cache_flush { CLASS_TOP_BIT } else { 0 };
    encoder.emit_u16(record.class | flush)?;
    encoder.emit_u32(record.ttl)?;
    let place = encoder.place::<u16>()?;
    match &record.data {
        RecordData::A(address) => encoder.emit_vec(&address.octets())?,
        RecordData::Aaaa(address) => encoder.emit_vec(&address.octets())?,
        RecordData::Ptr(name) => name.emit(encoder)?,
        RecordData::Srv {
            priority,
            weight,
            port,
            target,
        } => {
            encoder.emit_u16(*priority)?;
            encoder.emit_u16(*weight)?;
            encoder.emit_u16(*port)?;
            target.emit(encoder)?;
        }
        RecordData::Txt(strings) => {
            for string in strings {
                encoder.emit_character_data(string)?;
            }
        }
        RecordData::Other { data, .. } => encoder.emit_vec(data)?,
    }
    let len = u16::try_from(encoder.len_since_place(&place))
        .map_err(|_| hickory_proto::ProtoError::from("RDATA longer than 65535 bytes"))?;
    place.replace(encoder, len)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::decode::decode;
    use crate::message::{FLAG_AUTHORITATIVE, FLAG_RESPONSE, Name, RecordType};

    fn name(labels: &[&[u8]]) -> Name {
        Name::from_labels(labels.iter().copied()).unwrap()
    }

    #[test]
    fn response_round_trips_and_compresses() {
        let instance = name(&[b"Living Room", b"_airplay", b"_tcp", b"local"]);
        let host = name(&[b"Living-Room", b"local"]);
        let packet = Packet {
            id: 0,
            flags: FLAG_RESPONSE | FLAG_AUTHORITATIVE,
            questions: vec![],
            answers: vec![Record::new(
                name(&[b"_airplay", b"_tcp", b"local"]),
                4500,
                false,
                RecordData::Ptr(instance.clone()),
            )],
            authorities: vec![],
            additionals: vec![
                Record::new(
                    instance.clone(),
                    120,
                    true,
                    RecordData::Srv {
                        priority: 0,
                        weight: 0,
                        port: 7000,
                        target: host.clone(),
                    },
                ),
                Record::new(
                    instance,
                    4500,
                    true,
                    RecordData::Txt(vec![b"deviceid=AA:BB".to_vec(), vec![]]),
                ),
                Record::new(host, 120, true, RecordData::A(Ipv4Addr::new(10, 0, 0, 2))),
            ],
        };
        let bytes = encode(&packet).unwrap();
        // "local" appears once in full; later uses are pointers.
        assert_eq!(bytes.windows(6).filter(|w| w == b"\x05local").count(), 1);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.skipped_records, 0);
        assert_eq!(decoded.packet, packet);
    }

    #[test]
    fn question_bits_survive() {
        let packet = Packet {
            id: 0x35ff,
            questions: vec![Question::new(
                name(&[b"_airplay", b"_tcp", b"local"]),
                RecordType::PTR,
                true,
            )],
            ..Packet::default()
        };
        let bytes = encode(&packet).unwrap();
        assert_eq!(
            bytes,
            b"\x35\xff\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\
              \x08_airplay\x04_tcp\x05local\x00\x00\x0c\x80\x01"
        );
        assert_eq!(decode(&bytes).unwrap().packet, packet);
    }

    #[test]
    fn txt_string_over_255_bytes_is_an_error() {
        let packet = Packet {
            answers: vec![Record::new(
                name(&[b"x", b"local"]),
                1,
                false,
                RecordData::Txt(vec![vec![b'a'; 256]]),
            )],
            ..Packet::default()
        };
        assert!(matches!(encode(&packet), Err(Error::Encode { .. })));
    }
}
