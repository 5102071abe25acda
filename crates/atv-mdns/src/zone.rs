//! What a responder publishes and how it answers questions (no I/O).
//!
//! Each [`Announcement`] is one service instance of one device. Answers are grouped by the
//! device address, because DNS-SD clients (pyatv and atv among them) group what they hear
//! by the address that sent it: a responder publishing several devices sends each
//! device's records from that device's own address.
//!
//! `_device-info._tcp.local` announcements are special, as on Apple devices: they have a
//! TXT record only (no SRV, no PTR answer) and that TXT record rides along as an additional
//! record of every answer sent for the same address.
//!
//! A *sleeping* announcement is answered the way a Bonjour Sleep Proxy answers for a
//! device in deep sleep: a PTR question gets the bare PTR record (so clients see port 0),
//! while questions for the instance itself (SRV, TXT, ANY) get the full records.

use std::net::Ipv4Addr;

use crate::encode::encode;
use crate::error::Error;
use crate::message::{
    FLAG_AUTHORITATIVE, FLAG_RESPONSE, Name, Packet, Question, Record, RecordData, RecordType,
};
use crate::names::{dotted_name, instance_name, service_type_name};
use crate::service_table::DEVICE_INFO_SERVICE;
use crate::txt::encode_txt;

/// TTL of records naming a host (SRV, A), RFC 6762 section 10.
pub const HOST_RECORD_TTL: u32 = 120;
/// TTL of other records (PTR, TXT).
pub const OTHER_RECORD_TTL: u32 = 4500;
/// TTL cap of legacy unicast replies (RFC 6762 section 6.7).
pub const LEGACY_TTL: u32 = 10;
/// Largest UDP payload sent: an Ethernet MTU of 1500 less IP and UDP headers, with margin.
pub const MAX_PAYLOAD: usize = 1460;

const SERVICE_ENUMERATION: &str = "_services._dns-sd._udp.local";

/// One published service instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// Service type, e.g. `_airplay._tcp.local`.
    pub service_type: String,
    /// Instance name (any UTF-8, at most 63 bytes kept), e.g. `Living Room`.
    pub instance_name: String,
    /// Host name of the device, e.g. `Living-Room.local` (`.local` is added if missing).
    pub host_name: String,
    /// The device's IPv4 address (the A record, and where its answers are sent from).
    pub address: Ipv4Addr,
    /// Port of the service.
    pub port: u16,
    /// TXT entries, `key=value` each.
    pub txt: Vec<(String, Vec<u8>)>,
    /// Answer for this instance as a sleep proxy does for a device in deep sleep.
    pub sleeping: bool,
}

impl Announcement {
    /// An instance without TXT entries, awake.
    pub fn new(
        service_type: impl Into<String>,
        instance_name: impl Into<String>,
        host_name: impl Into<String>,
        address: Ipv4Addr,
        port: u16,
    ) -> Self {
        Self {
            service_type: service_type.into(),
            instance_name: instance_name.into(),
            host_name: host_name.into(),
            address,
            port,
            txt: Vec::new(),
            sleeping: false,
        }
    }

    /// Adds a TXT entry.
    pub fn with_txt(mut self, key: impl Into<String>, value: impl Into<Vec<u8>>) -> Self {
        self.txt.push((key.into(), value.into()));
        self
    }

    /// Marks the instance as sleeping (answered as by a sleep proxy).
    pub fn sleeping(mut self, sleeping: bool) -> Self {
        self.sleeping = sleeping;
        self
    }
}

/// Records to send from one device address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerGroup {
    /// The device address the records should be sent from.
    pub source: Ipv4Addr,
    /// Answer section.
    pub answers: Vec<Record>,
    /// Additional section.
    pub additionals: Vec<Record>,
}

#[derive(Debug, Clone)]
struct Entry {
    announcement: Announcement,
    type_name: Name,
    instance: Name,
    host: Name,
    txt: Vec<Vec<u8>>,
    device_info: bool,
}

impl Entry {
    fn ptr(&self, ttl: u32) -> Record {
        Record::new(
            self.type_name.clone(),
            ttl,
            false,
            RecordData::Ptr(self.instance.clone()),
        )
    }

    fn srv(&self, ttl: u32) -> Record {
        Record::new(
            self.instance.clone(),
            ttl,
            true,
            RecordData::Srv {
                priority: 0,
                weight: 0,
                port: self.announcement.port,
                target: self.host.clone(),
            },
        )
    }

    fn txt(&self, ttl: u32) -> Record {
        Record::new(
            self.instance.clone(),
            ttl,
            true,
            RecordData::Txt(self.txt.clone()),
        )
    }

    fn a(&self, ttl: u32) -> Record {
        Record::new(
            self.host.clone(),
            ttl,
            true,
            RecordData::A(self.announcement.address),
        )
    }
}

/// The records a responder publishes.
#[derive(Debug, Clone, Default)]
pub struct Zone {
    entries: Vec<Entry>,
}

impl Zone {
    /// Checks and prepares the announcements.
    pub fn new(announcements: Vec<Announcement>) -> Result<Self, Error> {
        let entries = announcements
            .into_iter()
            .map(|announcement| {
                let host_text = if announcement
                    .host_name
                    .trim_end_matches('.')
                    .to_ascii_lowercase()
                    .ends_with(".local")
                {
                    announcement.host_name.clone()
                } else {
                    format!("{}.local", announcement.host_name.trim_end_matches('.'))
                };
                let mut txt = encode_txt(&announcement.txt)?;
                if txt.is_empty() {
                    // RFC 6763 section 6.1: an empty TXT record holds one empty string.
                    txt.push(Vec::new());
                }
                Ok(Entry {
                    type_name: service_type_name(&announcement.service_type)?,
                    instance: instance_name(
                        &announcement.instance_name,
                        &announcement.service_type,
                    )?,
                    host: dotted_name(&host_text)?,
                    txt,
                    device_info: announcement
                        .service_type
                        .trim_end_matches('.')
                        .eq_ignore_ascii_case(DEVICE_INFO_SERVICE),
                    announcement,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Self { entries })
    }

    /// The announcements.
    pub fn announcements(&self) -> impl Iterator<Item = &Announcement> {
        self.entries.iter().map(|e| &e.announcement)
    }

    /// The distinct device addresses, in order.
    pub fn addresses(&self) -> Vec<Ipv4Addr> {
        let mut addresses = Vec::new();
        for entry in &self.entries {
            if !addresses.contains(&entry.announcement.address) {
                addresses.push(entry.announcement.address);
            }
        }
        addresses
    }

    /// Answers questions; one group per device address that has something to say.
    pub fn answer(&self, questions: &[Question]) -> Vec<AnswerGroup> {
        let service_enumeration = dotted_name(SERVICE_ENUMERATION).ok();
        let mut groups: Vec<AnswerGroup> = Vec::new();
        for source in self.addresses() {
            let mut group = AnswerGroup {
                source,
                answers: Vec::new(),
                additionals: Vec::new(),
            };
            let entries: Vec<&Entry> = self
                .entries
                .iter()
                .filter(|e| e.announcement.address == source)
                .collect();
            for question in questions {
                let qtype = question.query_type;
                let any = qtype == RecordType::ANY;
                for entry in &entries {
                    if Some(&question.name) == service_enumeration.as_ref()
                        && (qtype == RecordType::PTR || any)
                        && !entry.device_info
                    {
                        push_unique(
                            &mut group.answers,
                            Record::new(
                                question.name.clone(),
                                OTHER_RECORD_TTL,
                                false,
                                RecordData::Ptr(entry.type_name.clone()),
                            ),
                        );
                    }
                    if question.name == entry.type_name
                        && (qtype == RecordType::PTR || any)
                        && !entry.device_info
                    {
                        push_unique(&mut group.answers, entry.ptr(OTHER_RECORD_TTL));
                        if !entry.announcement.sleeping {
                            push_unique(&mut group.additionals, entry.srv(HOST_RECORD_TTL));
                            push_unique(&mut group.additionals, entry.txt(OTHER_RECORD_TTL));
                            push_unique(&mut group.additionals, entry.a(HOST_RECORD_TTL));
                        }
                    }
                    if question.name == entry.instance {
                        if (qtype == RecordType::SRV || any) && !entry.device_info {
                            push_unique(&mut group.answers, entry.srv(HOST_RECORD_TTL));
                            push_unique(&mut group.additionals, entry.a(HOST_RECORD_TTL));
                        }
                        if qtype == RecordType::TXT || any {
                            push_unique(&mut group.answers, entry.txt(OTHER_RECORD_TTL));
                        }
                    }
                    if question.name == entry.host && (qtype == RecordType::A || any) {
                        push_unique(&mut group.answers, entry.a(HOST_RECORD_TTL));
                    }
                }
            }
            if group.answers.is_empty() {
                continue;
            }
            for entry in entries.iter().filter(|e| e.device_info) {
                push_unique(&mut group.additionals, entry.txt(OTHER_RECORD_TTL));
            }
            let answers = group.answers.clone();
            group.additionals.retain(|r| !answers.contains(r));
            groups.push(group);
        }
        groups
    }

    /// Everything to announce (unsolicited), per address; sleeping instances are left out.
    /// With `goodbye` every TTL is 0 (the records are being withdrawn).
    pub fn announcement(&self, goodbye: bool) -> Vec<AnswerGroup> {
        let ttl = |normal: u32| if goodbye { 0 } else { normal };
        let mut groups = Vec::new();
        for source in self.addresses() {
            let mut answers = Vec::new();
            for entry in self
                .entries
                .iter()
                .filter(|e| e.announcement.address == source && !e.announcement.sleeping)
            {
                if !entry.device_info {
                    push_unique(&mut answers, entry.ptr(ttl(OTHER_RECORD_TTL)));
                    push_unique(&mut answers, entry.srv(ttl(HOST_RECORD_TTL)));
                }
                push_unique(&mut answers, entry.txt(ttl(OTHER_RECORD_TTL)));
                if !entry.device_info {
                    push_unique(&mut answers, entry.a(ttl(HOST_RECORD_TTL)));
                }
            }
            if !answers.is_empty() {
                groups.push(AnswerGroup {
                    source,
                    answers,
                    additionals: Vec::new(),
                });
            }
        }
        groups
    }
}

fn push_unique(records: &mut Vec<Record>, record: Record) {
    if !records.contains(&record) {
        records.push(record);
    }
}

/// How a reply is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind<'a> {
    /// A normal mDNS response: identifier 0, no questions.
    Multicast,
    /// A reply to a legacy unicast query: identifier and questions echoed, cache-flush bits
    /// cleared, TTLs capped at [`LEGACY_TTL`].
    Legacy {
        /// The query's identifier.
        id: u16,
        /// The query's questions.
        questions: &'a [Question],
    },
}

/// Encodes a group as one or more response packets of at most `max_len` bytes (a single
/// record larger than that still goes out alone). Answers come before additionals; an
/// additional that does not fit is moved to the next packet with the rest.
pub fn pack_group(
    group: &AnswerGroup,
    kind: ReplyKind<'_>,
    max_len: usize,
) -> Result<Vec<Vec<u8>>, Error> {
    let (id, questions) = match kind {
        ReplyKind::Multicast => (0, Vec::new()),
        ReplyKind::Legacy { id, questions } => (id, questions.to_vec()),
    };
    let adapt = |record: &Record| -> Record {
        let mut record = record.clone();
        if matches!(kind, ReplyKind::Legacy { .. }) {
            record.cache_flush = false;
            record.ttl = record.ttl.min(LEGACY_TTL);
        }
        record
    };
    let empty = Packet {
        id,
        flags: FLAG_RESPONSE | FLAG_AUTHORITATIVE,
        questions,
        ..Packet::default()
    };
    let mut packets = Vec::new();
    let mut current = empty.clone();
    let mut current_bytes = encode(&current)?;
    let records = group
        .answers
        .iter()
        .map(|r| (true, r))
        .chain(group.additionals.iter().map(|r| (false, r)));
    for (is_answer, record) in records {
        let mut candidate = current.clone();
        let section = if is_answer {
            &mut candidate.answers
        } else {
            &mut candidate.additionals
        };
        section.push(adapt(record));
        let bytes = encode(&candidate)?;
        let current_empty = current.answers.is_empty() && current.additionals.is_empty();
        if bytes.len() <= max_len || current_empty {
            current = candidate;
            current_bytes = bytes;
            continue;
        }
        packets.push(std::mem::take(&mut current_bytes));
        current = empty.clone();
        let section = if is_answer {
            &mut current.answers
        } else {
            &mut current.additionals
        };
        section.push(adapt(record));
        current_bytes = encode(&current)?;
    }
    if !current.answers.is_empty() || !current.additionals.is_empty() {
        packets.push(current_bytes);
    }
    Ok(packets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;
    use crate::service_table::ServiceTable;

    const TV: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
    const POD: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 3);

    fn zone() -> Zone {
        Zone::new(vec![
            Announcement::new(
                "_airplay._tcp.local",
                "Living Room",
                "Living-Room",
                TV,
                7000,
            )
            .with_txt("deviceid", "AA:BB:CC:DD:EE:FF")
            .with_txt("model", "AppleTV6,2"),
            Announcement::new(
                "_companion-link._tcp.local",
                "Living Room",
                "Living-Room",
                TV,
                49153,
            )
            .with_txt("rpMac", "1"),
            Announcement::new(
                "_device-info._tcp.local",
                "Living Room",
                "Living-Room",
                TV,
                0,
            )
            .with_txt("model", "AppleTV6,2"),
            Announcement::new("_airplay._tcp.local", "Kitchen", "Kitchen", POD, 7000)
                .sleeping(true),
        ])
        .unwrap()
    }

    fn question(name: &str, qtype: RecordType) -> Question {
        Question::new(dotted_name(name).unwrap(), qtype, true)
    }

    fn services_of(group: &AnswerGroup) -> Vec<(String, String, u16)> {
        let bytes = pack_group(group, ReplyKind::Multicast, MAX_PAYLOAD).unwrap();
        let mut table = ServiceTable::new();
        for packet in bytes {
            table.add_packet(&decode(&packet).unwrap().packet);
        }
        table
            .services()
            .into_iter()
            .map(|s| (s.service_type, s.name, s.port))
            .collect()
    }

    #[test]
    fn ptr_question_answers_per_device() {
        let groups = zone().answer(&[question("_airplay._tcp.local", RecordType::PTR)]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].source, TV);
        assert_eq!(
            services_of(&groups[0]),
            [
                ("_airplay._tcp.local".into(), "Living Room".into(), 7000),
                ("_device-info._tcp.local".into(), "Living Room".into(), 0),
            ]
        );
        // The sleeping device: a bare PTR, so port 0.
        assert_eq!(groups[1].source, POD);
        assert!(groups[1].additionals.is_empty());
        assert_eq!(
            services_of(&groups[1]),
            [("_airplay._tcp.local".into(), "Kitchen".into(), 0)]
        );
    }

    #[test]
    fn instance_questions_get_full_records_even_when_sleeping() {
        let groups = zone().answer(&[question("Kitchen._airplay._tcp.local", RecordType::ANY)]);
        assert_eq!(groups.len(), 1);
        assert_eq!(
            services_of(&groups[0]),
            [("_airplay._tcp.local".into(), "Kitchen".into(), 7000)]
        );
        let groups = zone().answer(&[question("Living-Room.local", RecordType::A)]);
        assert_eq!(groups[0].answers.len(), 1);
        assert!(
            zone()
                .answer(&[question("_raop._tcp.local", RecordType::PTR)])
                .is_empty()
        );
        assert!(
            zone()
                .answer(&[question("_device-info._tcp.local", RecordType::PTR)])
                .is_empty()
        );
    }

    #[test]
    fn enumerates_service_types() {
        let groups = zone().answer(&[question("_services._dns-sd._udp.local", RecordType::PTR)]);
        assert_eq!(groups[0].answers.len(), 2);
    }

    #[test]
    fn legacy_replies_echo_and_cap() {
        let questions = [question("_airplay._tcp.local", RecordType::PTR)];
        let groups = zone().answer(&questions);
        let packets = pack_group(
            &groups[0],
            ReplyKind::Legacy {
                id: 0x1234,
                questions: &questions,
            },
            MAX_PAYLOAD,
        )
        .unwrap();
        let packet = decode(&packets[0]).unwrap().packet;
        assert_eq!(packet.id, 0x1234);
        assert_eq!(packet.questions, questions);
        assert!(packet.is_response());
        assert!(
            packet
                .answer_and_additional_records()
                .all(|r| !r.cache_flush && r.ttl <= LEGACY_TTL)
        );
    }

    #[test]
    fn large_answers_are_split_under_the_limit() {
        let mut announcements = Vec::new();
        for i in 0..12 {
            announcements.push(
                Announcement::new(
                    "_airplay._tcp.local",
                    format!("Speaker {i}"),
                    "Hub",
                    TV,
                    7000,
                )
                .with_txt("features", vec![b'x'; 200]),
            );
        }
        let zone = Zone::new(announcements).unwrap();
        let groups = zone.answer(&[question("_airplay._tcp.local", RecordType::PTR)]);
        let packets = pack_group(&groups[0], ReplyKind::Multicast, MAX_PAYLOAD).unwrap();
        assert!(packets.len() > 1);
        assert!(packets.iter().all(|p| p.len() <= MAX_PAYLOAD));
        let mut table = ServiceTable::new();
        for packet in &packets {
            table.add_packet(&decode(packet).unwrap().packet);
        }
        let services = table.services();
        assert_eq!(services.len(), 12);
        assert!(
            services
                .iter()
                .all(|s| s.port == 7000 && s.address == Some(TV))
        );
    }

    #[test]
    fn goodbye_has_zero_ttl() {
        let groups = zone().announcement(true);
        assert_eq!(groups.len(), 1, "the sleeping device is not announced");
        assert!(groups[0].answers.iter().all(|r| r.ttl == 0));
    }

    #[test]
    fn rejects_bad_announcements() {
        assert!(Zone::new(vec![Announcement::new("airplay", "x", "h", TV, 1)]).is_err());
        assert!(
            Zone::new(vec![
                Announcement::new("_airplay._tcp.local", "x", "h", TV, 1)
                    .with_txt("k", vec![0; 300])
            ])
            .is_err()
        );
    }
}
