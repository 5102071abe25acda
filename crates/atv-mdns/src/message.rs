//! The DNS message model used by the codec: only what mDNS / DNS-SD needs, every other
//! record kept as opaque bytes so that nothing is lost.
//!
//! Names are hickory-proto's [`Name`] (raw label bytes, case-insensitive comparison).
//! [`decode`](crate::decode) reads these types from bytes, [`encode`](crate::encode) writes
//! them back.

use std::net::{Ipv4Addr, Ipv6Addr};

pub use hickory_proto::rr::{Name, RecordType};

/// The mDNS multicast group.
pub const MDNS_GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
/// The mDNS port.
pub const MDNS_PORT: u16 = 5353;
/// DNS class IN.
pub const CLASS_IN: u16 = 1;
/// Header flag: this message is a response (QR).
pub const FLAG_RESPONSE: u16 = 0x8000;
/// Header flag: authoritative answer (AA), set on every mDNS response.
pub const FLAG_AUTHORITATIVE: u16 = 0x0400;

/// A DNS message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Packet {
    /// Message identifier (0 in multicast mDNS; echoed in legacy unicast replies).
    pub id: u16,
    /// The header flags word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE).
    pub flags: u16,
    /// Question section.
    pub questions: Vec<Question>,
    /// Answer section.
    pub answers: Vec<Record>,
    /// Authority section (probes put their proposed records here).
    pub authorities: Vec<Record>,
    /// Additional section.
    pub additionals: Vec<Record>,
}

impl Packet {
    /// Whether the QR flag marks this message as a response.
    pub fn is_response(&self) -> bool {
        self.flags & FLAG_RESPONSE != 0
    }

    /// The records a DNS-SD client looks at: answers, then additionals.
    pub fn answer_and_additional_records(&self) -> impl Iterator<Item = &Record> {
        self.answers.iter().chain(self.additionals.iter())
    }
}

/// One entry of the question section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The name asked about.
    pub name: Name,
    /// The record type asked for (`ANY` included).
    pub query_type: RecordType,
    /// The class without the unicast-response bit (normally [`CLASS_IN`]).
    pub query_class: u16,
    /// The mDNS "QU" bit (top bit of the class): the asker wants a unicast reply.
    pub unicast_response: bool,
}

impl Question {
    /// A question of class IN.
    pub fn new(name: Name, query_type: RecordType, unicast_response: bool) -> Self {
        Self {
            name,
            query_type,
            query_class: CLASS_IN,
            unicast_response,
        }
    }
}

/// A resource record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Owner name.
    pub name: Name,
    /// The class without the cache-flush bit (normally [`CLASS_IN`]).
    pub class: u16,
    /// The mDNS cache-flush bit (top bit of the class): this is the whole set of records
    /// of this name and type.
    pub cache_flush: bool,
    /// Time to live in seconds (0 = goodbye).
    pub ttl: u32,
    /// The data.
    pub data: RecordData,
}

impl Record {
    /// A record of class IN.
    pub fn new(name: Name, ttl: u32, cache_flush: bool, data: RecordData) -> Self {
        Self {
            name,
            class: CLASS_IN,
            cache_flush,
            ttl,
            data,
        }
    }

    /// The record's type.
    pub fn record_type(&self) -> RecordType {
        self.data.record_type()
    }
}

/// Record data, decoded for the types DNS-SD uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordData {
    /// IPv4 address.
    A(Ipv4Addr),
    /// IPv6 address.
    Aaaa(Ipv6Addr),
    /// Pointer: service type to service instance in DNS-SD.
    Ptr(Name),
    /// Service location.
    Srv {
        /// Priority (unused by DNS-SD, normally 0).
        priority: u16,
        /// Weight (unused by DNS-SD, normally 0).
        weight: u16,
        /// TCP or UDP port; 0 means "no service here".
        port: u16,
        /// Host name to look up with an A record.
        target: Name,
    },
    /// Text: a list of character strings (DNS-SD `key=value` entries). May be empty when a
    /// device sends zero-length RDATA.
    Txt(Vec<Vec<u8>>),
    /// Any other type, its RDATA kept verbatim.
    Other {
        /// Record type code.
        record_type: u16,
        /// The RDATA bytes (names inside are not decompressed).
        data: Vec<u8>,
    },
}

impl RecordData {
    /// The record type this data belongs to.
    pub fn record_type(&self) -> RecordType {
        match self {
            Self::A(_) => RecordType::A,
            Self::Aaaa(_) => RecordType::AAAA,
            Self::Ptr(_) => RecordType::PTR,
            Self::Srv { .. } => RecordType::SRV,
            Self::Txt(_) => RecordType::TXT,
            Self::Other { record_type, .. } => RecordType::from(*record_type),
        }
    }
}
