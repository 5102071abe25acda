//! Multicast and unicast mDNS / DNS-SD scanning and publishing for atv.
#![warn(missing_docs)]
