//! Building the scanner's query messages.
//!
//! Service types are asked for a few per message (devices answer each message with its own
//! packet, and small answers fit the MTU), and every message also asks for
//! `_sleep-proxy._udp.local`, as pyatv does. Each message of a scan has its own identifier,
//! so that legacy unicast replies, which echo it, tell which message they answer.

use crate::encode::encode;
use crate::error::Error;
use crate::message::{Name, Packet, Question, RecordType};
use crate::names::{dotted_name, instance_name, service_type_name};
use crate::service_table::SLEEP_PROXY_SERVICE;

/// Number of service types asked for in one query message.
pub const SERVICES_PER_MESSAGE: usize = 3;

/// One query message of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryMessage {
    /// The message identifier.
    pub id: u16,
    /// The encoded message.
    pub bytes: Vec<u8>,
}

/// PTR queries (QU bit set) for service types such as `_airplay._tcp.local`, split into
/// messages of [`SERVICES_PER_MESSAGE`] types plus the sleep-proxy type. Identifiers are
/// `first_id`, `first_id + 1`, ... (wrapping).
pub fn service_type_queries(
    service_types: &[String],
    first_id: u16,
) -> Result<Vec<QueryMessage>, Error> {
    let names = service_types
        .iter()
        .map(|t| service_type_name(t))
        .collect::<Result<Vec<_>, _>>()?;
    chunked_queries(&names, RecordType::PTR, first_id)
}

/// ANY queries (QU bit set) for service instances, given as `(instance, service type)`,
/// chunked the same way. Used to get the full records of a device behind a sleep proxy.
pub fn instance_queries(
    instances: &[(String, String)],
    first_id: u16,
) -> Result<Vec<QueryMessage>, Error> {
    let names = instances
        .iter()
        .map(|(instance, service_type)| instance_name(instance, service_type))
        .collect::<Result<Vec<_>, _>>()?;
    chunked_queries(&names, RecordType::ANY, first_id)
}

fn chunked_queries(
    names: &[Name],
    query_type: RecordType,
    first_id: u16,
) -> Result<Vec<QueryMessage>, Error> {
    let sleep_proxy = dotted_name(SLEEP_PROXY_SERVICE)?;
    // The sleep-proxy type is in every message anyway; ask for everything else once.
    let mut unique: Vec<Name> = Vec::new();
    for name in names {
        if *name != sleep_proxy && !unique.contains(name) {
            unique.push(name.clone());
        }
    }
    let mut id = first_id;
    let mut messages = Vec::new();
    for chunk in unique.chunks(SERVICES_PER_MESSAGE) {
        let mut questions: Vec<Question> = chunk
            .iter()
            .map(|name| Question::new(name.clone(), query_type, true))
            .collect();
        questions.push(Question::new(sleep_proxy.clone(), query_type, true));
        let packet = Packet {
            id,
            questions,
            ..Packet::default()
        };
        messages.push(QueryMessage {
            id,
            bytes: encode(&packet)?,
        });
        id = id.wrapping_add(1);
    }
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    fn types(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("_srv{i}._tcp.local")).collect()
    }

    // Message counts of pyatv's test_unicast_multiple_requests.
    #[test]
    fn chunks_three_types_per_message() {
        for (count, messages) in [(1, 1), (3, 1), (4, 2), (7, 3)] {
            assert_eq!(
                service_type_queries(&types(count), 7).unwrap().len(),
                messages
            );
        }
        assert!(service_type_queries(&[], 7).unwrap().is_empty());
        // Duplicates and the sleep-proxy type itself are not asked twice.
        let mut repeated = types(3);
        repeated.push("_srv0._tcp.local".into());
        repeated.push(SLEEP_PROXY_SERVICE.into());
        assert_eq!(service_type_queries(&repeated, 7).unwrap().len(), 1);
    }

    #[test]
    fn every_message_asks_for_the_sleep_proxy_with_qu() {
        let messages = service_type_queries(&types(4), 0xfffe).unwrap();
        assert_eq!(
            messages.iter().map(|m| m.id).collect::<Vec<_>>(),
            [0xfffe, 0xffff]
        );
        let packet = decode(&messages[1].bytes).unwrap().packet;
        assert_eq!(packet.id, 0xffff);
        assert!(!packet.is_response());
        let asked: Vec<String> = packet
            .questions
            .iter()
            .map(|q| {
                assert!(q.unicast_response);
                assert_eq!(q.query_type, RecordType::PTR);
                q.name.to_string()
            })
            .collect();
        assert_eq!(asked, ["_srv3._tcp.local.", "_sleep-proxy._udp.local."]);
    }

    #[test]
    fn instance_queries_ask_any() {
        let messages =
            instance_queries(&[("Living Room".into(), "_airplay._tcp.local".into())], 1).unwrap();
        let packet = decode(&messages[0].bytes).unwrap().packet;
        assert_eq!(packet.questions[0].query_type, RecordType::ANY);
        let labels: Vec<&[u8]> = packet.questions[0].name.iter().collect();
        assert_eq!(labels[0], b"Living Room");
    }

    #[test]
    fn bad_service_type_is_an_error() {
        assert!(service_type_queries(&["not a type".into()], 0).is_err());
    }
}
