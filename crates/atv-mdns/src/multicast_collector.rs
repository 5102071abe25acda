//! What a multicast scan knows, fed packet by packet (no I/O, time passed in).
//!
//! Packets are grouped by the address that sent them; each address becomes one
//! [`MdnsResponse`]. A packet counts only when it is a response holding at least one service
//! of a type that was asked for (or `_device-info._tcp.local` / `_sleep-proxy._udp.local`);
//! services of other types are left out of the result.
//!
//! **Sleep proxies.** A packet with PTR records whose services (other than device-info,
//! which never has an SRV record) all have port 0 comes from a sleep proxy answering for a
//! device in deep sleep: the device is marked `deep_sleep` and ANY queries for those
//! instances are sent by unicast to that address, now and at each resend, to get the full
//! records. (pyatv looks at the ports only; requiring the PTR records keeps the TXT-only
//! tail of a reply split over two packets, as python-zeroconf sends, from counting as a
//! sleep proxy.)
//!
//! **When a device is complete** (the early end of a scan for particular devices). A
//! device is *settled* when
//! 1. every instance it announced by PTR for an asked type (device-info excepted) has an
//!    SRV record, a TXT record and an A record for the SRV target, and
//! 2. either it has answered every query message sent to it (legacy unicast replies echo
//!    the message identifier, and every message has its own), or [`QUIET_PERIOD`] has
//!    passed since its last packet (devices may stay silent on a message for which they
//!    have nothing, and replies sent by multicast carry no identifier).
//!
//! The end condition is only asked about settled devices, once after each change. A device
//! answers each message within about 20–120 ms, so this ends a scan a few hundred
//! milliseconds after the device has answered, without dropping services that come in its
//! later packets. A device that never sends a required record is only returned at the
//! timeout.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use atv_core::discovery::{MdnsResponse, MdnsService};

use crate::decode::decode;
use crate::error::Error;
use crate::message::Name;
use crate::query::{QueryMessage, instance_queries};
use crate::service_table::{
    DEVICE_INFO_SERVICE, ServiceTable, completeness_types, kept_service_types,
    response_from_services,
};

/// How long a device must stay silent before its answers are taken as complete when it has
/// not answered every query message.
pub const QUIET_PERIOD: Duration = Duration::from_millis(300);

/// What a packet did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketOutcome {
    /// Not a response, malformed, or only about other service types.
    Ignored,
    /// Taken into the device's response.
    Accepted,
    /// Taken, and it came from a sleep proxy: send these queries to the sender now.
    SleepProxy(Vec<QueryMessage>),
}

#[derive(Debug)]
struct Device {
    address: Ipv4Addr,
    table: ServiceTable,
    deep_sleep: bool,
    expected: Vec<u16>,
    answered: Vec<u16>,
    last_packet: Instant,
    changed: bool,
    followup_instances: Vec<(String, String)>,
    followups: Vec<QueryMessage>,
}

/// The state of one multicast scan.
#[derive(Debug)]
pub struct MulticastCollector {
    /// Service types that may appear in results (lower case).
    allowed: Vec<String>,
    /// Service types whose PTR'd instances must be complete.
    completeness_types: Vec<Name>,
    round_ids: Vec<u16>,
    next_followup_id: u16,
    devices: Vec<Device>,
}

impl MulticastCollector {
    /// A collector for a scan asking for `service_types` with query messages `round_ids`;
    /// follow-up queries to sleep proxies get identifiers from `followup_first_id` on.
    pub fn new(
        service_types: &[String],
        round_ids: Vec<u16>,
        followup_first_id: u16,
    ) -> Result<Self, Error> {
        let allowed = kept_service_types(service_types);
        let completeness_types = completeness_types(&allowed)?;
        Ok(Self {
            allowed,
            completeness_types,
            round_ids,
            next_followup_id: followup_first_id,
            devices: Vec::new(),
        })
    }

    fn is_allowed(&self, service: &MdnsService) -> bool {
        self.allowed
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&service.service_type))
    }

    /// Takes a datagram from `source`.
    pub fn handle_packet(&mut self, source: Ipv4Addr, bytes: &[u8], now: Instant) -> PacketOutcome {
        let Ok(decoded) = decode(bytes) else {
            return PacketOutcome::Ignored;
        };
        let packet = decoded.packet;
        if !packet.is_response() {
            return PacketOutcome::Ignored;
        }
        let mut own = ServiceTable::new();
        own.add_packet(&packet);
        let services: Vec<MdnsService> = own
            .services()
            .into_iter()
            .filter(|s| self.is_allowed(s))
            .collect();
        if services.is_empty() {
            return PacketOutcome::Ignored;
        }
        let with_ports: Vec<&MdnsService> = services
            .iter()
            .filter(|s| !s.service_type.eq_ignore_ascii_case(DEVICE_INFO_SERVICE))
            .collect();
        // A bare PTR answer: the PTR records are there but no service has a port. (A packet
        // holding only TXT records is the tail of a reply split over several packets.)
        let from_sleep_proxy = !with_ports.is_empty()
            && with_ports.iter().all(|s| s.port == 0)
            && own.has_pointers_for(&self.completeness_types);

        let index = match self.devices.iter().position(|d| d.address == source) {
            Some(index) => index,
            None => {
                self.devices.push(Device {
                    address: source,
                    table: ServiceTable::new(),
                    deep_sleep: false,
                    expected: self.round_ids.clone(),
                    answered: Vec::new(),
                    last_packet: now,
                    changed: false,
                    followup_instances: Vec::new(),
                    followups: Vec::new(),
                });
                self.devices.len() - 1
            }
        };
        let mut next_id = self.next_followup_id;
        let Some(device) = self.devices.get_mut(index) else {
            return PacketOutcome::Ignored;
        };
        device.last_packet = now;
        if device.expected.contains(&packet.id) && !device.answered.contains(&packet.id) {
            device.answered.push(packet.id);
        }
        device.changed |= device.table.add_packet(&packet);
        if !from_sleep_proxy {
            return PacketOutcome::Accepted;
        }
        if !device.deep_sleep {
            device.deep_sleep = true;
            device.changed = true;
        }
        let instances: Vec<(String, String)> = services
            .iter()
            .map(|s| (s.name.clone(), s.service_type.clone()))
            .collect();
        if instances == device.followup_instances {
            return PacketOutcome::Accepted;
        }
        let Ok(queries) = instance_queries(&instances, next_id) else {
            return PacketOutcome::Accepted;
        };
        for query in &queries {
            device.expected.push(query.id);
            next_id = next_id.wrapping_add(1);
        }
        device.followup_instances = instances;
        device.followups = queries.clone();
        self.next_followup_id = next_id;
        PacketOutcome::SleepProxy(queries)
    }

    /// Unicast follow-up queries to resend each round: (sleep proxy address, queries).
    pub fn followups(&self) -> impl Iterator<Item = (Ipv4Addr, &[QueryMessage])> {
        self.devices
            .iter()
            .filter(|d| !d.followups.is_empty())
            .map(|d| (d.address, d.followups.as_slice()))
    }

    fn settled(&self, device: &Device, now: Instant) -> bool {
        device
            .table
            .pointed_instances_complete(&self.completeness_types)
            && (all_answered(device) || now >= device.last_packet + QUIET_PERIOD)
    }

    /// Devices that became settled since they last changed (each reported once per change).
    pub fn take_settled(&mut self, now: Instant) -> Vec<Ipv4Addr> {
        let settled: Vec<usize> = self
            .devices
            .iter()
            .enumerate()
            .filter(|(_, d)| d.changed && self.settled(d, now))
            .map(|(i, _)| i)
            .collect();
        settled
            .into_iter()
            .filter_map(|i| {
                let device = self.devices.get_mut(i)?;
                device.changed = false;
                Some(device.address)
            })
            .collect()
    }

    /// When the next device settles by silence, if one is waiting for that.
    pub fn next_quiet_deadline(&self) -> Option<Instant> {
        self.devices
            .iter()
            .filter(|d| {
                d.changed
                    && !all_answered(d)
                    && d.table.pointed_instances_complete(&self.completeness_types)
            })
            .map(|d| d.last_packet + QUIET_PERIOD)
            .min()
    }

    /// The response of one device.
    pub fn response(&self, address: Ipv4Addr) -> Option<MdnsResponse> {
        let device = self.devices.iter().find(|d| d.address == address)?;
        Some(self.device_response(device))
    }

    fn device_response(&self, device: &Device) -> MdnsResponse {
        let services = device
            .table
            .services()
            .into_iter()
            .filter(|s| self.is_allowed(s))
            .collect();
        response_from_services(services, device.deep_sleep)
    }

    /// The responses of all devices, in the order they first answered.
    pub fn responses(&self) -> Vec<MdnsResponse> {
        self.devices
            .iter()
            .map(|d| self.device_response(d))
            .collect()
    }
}

fn all_answered(device: &Device) -> bool {
    device
        .expected
        .iter()
        .all(|id| device.answered.contains(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::encode;
    use crate::message::{FLAG_AUTHORITATIVE, FLAG_RESPONSE, Packet, Record, RecordData};
    use crate::names::{dotted_name, instance_name};

    const DEVICE: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

    fn service_records(instance: &str, service_type: &str, port: Option<u16>) -> Vec<Record> {
        let name = instance_name(instance, service_type).unwrap();
        let mut records = vec![Record::new(
            dotted_name(service_type).unwrap(),
            4500,
            false,
            RecordData::Ptr(name.clone()),
        )];
        if let Some(port) = port {
            records.push(Record::new(
                name.clone(),
                120,
                true,
                RecordData::Srv {
                    priority: 0,
                    weight: 0,
                    port,
                    target: dotted_name("Device.local").unwrap(),
                },
            ));
            records.push(Record::new(
                name,
                4500,
                true,
                RecordData::Txt(vec![b"k=v".to_vec()]),
            ));
            records.push(Record::new(
                dotted_name("Device.local").unwrap(),
                120,
                true,
                RecordData::A(DEVICE),
            ));
        }
        records
    }

    fn response(id: u16, records: Vec<Record>) -> Vec<u8> {
        encode(&Packet {
            id,
            flags: FLAG_RESPONSE | FLAG_AUTHORITATIVE,
            answers: records,
            ..Packet::default()
        })
        .unwrap()
    }

    fn types() -> Vec<String> {
        vec!["_airplay._tcp.local".into(), "_raop._tcp.local".into()]
    }

    #[test]
    fn settles_when_every_message_is_answered() {
        let t0 = Instant::now();
        let mut collector = MulticastCollector::new(&types(), vec![1, 2], 100).unwrap();
        let outcome = collector.handle_packet(
            DEVICE,
            &response(
                1,
                service_records("Kitchen", "_airplay._tcp.local", Some(7000)),
            ),
            t0,
        );
        assert_eq!(outcome, PacketOutcome::Accepted);
        assert!(collector.take_settled(t0).is_empty());
        assert_eq!(collector.next_quiet_deadline(), Some(t0 + QUIET_PERIOD));
        collector.handle_packet(
            DEVICE,
            &response(
                2,
                service_records("AA@Kitchen", "_raop._tcp.local", Some(7000)),
            ),
            t0,
        );
        assert_eq!(collector.take_settled(t0), [DEVICE]);
        // Reported once per change.
        assert!(collector.take_settled(t0).is_empty());
        let response = collector.response(DEVICE).unwrap();
        assert_eq!(response.services.len(), 2);
        assert!(!response.deep_sleep);
    }

    #[test]
    fn settles_after_silence_when_a_message_goes_unanswered() {
        let t0 = Instant::now();
        let mut collector = MulticastCollector::new(&types(), vec![1, 2], 100).unwrap();
        collector.handle_packet(
            DEVICE,
            &response(
                1,
                service_records("Kitchen", "_airplay._tcp.local", Some(7000)),
            ),
            t0,
        );
        assert!(
            collector
                .take_settled(t0 + QUIET_PERIOD - Duration::from_millis(1))
                .is_empty()
        );
        assert_eq!(collector.take_settled(t0 + QUIET_PERIOD), [DEVICE]);
    }

    #[test]
    fn incomplete_records_never_settle() {
        let t0 = Instant::now();
        let mut collector = MulticastCollector::new(&types(), vec![1], 100).unwrap();
        let mut records = service_records("Kitchen", "_airplay._tcp.local", Some(7000));
        records.pop(); // no A record
        collector.handle_packet(DEVICE, &response(1, records), t0);
        assert!(
            collector
                .take_settled(t0 + Duration::from_secs(5))
                .is_empty()
        );
        assert_eq!(collector.next_quiet_deadline(), None);
    }

    #[test]
    fn foreign_types_are_dropped() {
        let t0 = Instant::now();
        let mut collector = MulticastCollector::new(&types(), vec![1], 100).unwrap();
        let foreign = service_records("Printer", "_ipp._tcp.local", Some(631));
        assert_eq!(
            collector.handle_packet(DEVICE, &response(0, foreign.clone()), t0),
            PacketOutcome::Ignored
        );
        let mut mixed = foreign;
        mixed.extend(service_records(
            "Kitchen",
            "_airplay._tcp.local",
            Some(7000),
        ));
        assert_eq!(
            collector.handle_packet(DEVICE, &response(0, mixed), t0),
            PacketOutcome::Accepted
        );
        let responses = collector.responses();
        assert_eq!(responses.len(), 1);
        assert_eq!(responses[0].services.len(), 1);
        assert_eq!(responses[0].services[0].service_type, "_airplay._tcp.local");
    }

    #[test]
    fn queries_are_not_answers() {
        let t0 = Instant::now();
        let mut collector = MulticastCollector::new(&types(), vec![1], 100).unwrap();
        let query = encode(&Packet {
            answers: service_records("Kitchen", "_airplay._tcp.local", Some(7000)),
            ..Packet::default()
        })
        .unwrap();
        assert_eq!(
            collector.handle_packet(DEVICE, &query, t0),
            PacketOutcome::Ignored
        );
        assert_eq!(
            collector.handle_packet(DEVICE, b"\x00\x01", t0),
            PacketOutcome::Ignored
        );
        assert!(collector.responses().is_empty());
    }

    #[test]
    fn sleep_proxy_answers_trigger_followups() {
        let t0 = Instant::now();
        let mut collector = MulticastCollector::new(&types(), vec![1], 100).unwrap();
        let outcome = collector.handle_packet(
            DEVICE,
            &response(1, service_records("Kitchen", "_airplay._tcp.local", None)),
            t0,
        );
        let PacketOutcome::SleepProxy(queries) = outcome else {
            panic!("expected follow-up queries, got {outcome:?}");
        };
        assert_eq!(queries.len(), 1);
        assert_eq!(queries[0].id, 100);
        assert_eq!(collector.followups().count(), 1);
        // The same bare answer again does not make new queries.
        assert_eq!(
            collector.handle_packet(
                DEVICE,
                &response(1, service_records("Kitchen", "_airplay._tcp.local", None)),
                t0
            ),
            PacketOutcome::Accepted
        );
        assert!(collector.take_settled(t0 + QUIET_PERIOD).is_empty());
        // The proxy's answer to the ANY query completes the device.
        let full = service_records("Kitchen", "_airplay._tcp.local", Some(7000));
        assert_eq!(
            collector.handle_packet(DEVICE, &response(100, full[1..].to_vec()), t0),
            PacketOutcome::Accepted
        );
        assert_eq!(collector.take_settled(t0), [DEVICE]);
        let response = collector.response(DEVICE).unwrap();
        assert!(response.deep_sleep);
        assert_eq!(response.services[0].port, 7000);
    }

    #[test]
    fn device_info_alone_is_not_a_sleep_proxy() {
        let t0 = Instant::now();
        let mut collector = MulticastCollector::new(&types(), vec![1], 100).unwrap();
        let txt = Record::new(
            instance_name("Kitchen", DEVICE_INFO_SERVICE).unwrap(),
            4500,
            false,
            RecordData::Txt(vec![b"model=AppleTV6,2".to_vec()]),
        );
        assert_eq!(
            collector.handle_packet(DEVICE, &response(0, vec![txt]), t0),
            PacketOutcome::Accepted
        );
        let response = collector.response(DEVICE).unwrap();
        assert!(!response.deep_sleep);
        assert_eq!(response.model.as_deref(), Some("AppleTV6,2"));
    }
}
