//! HomeKit (HAP) and legacy AirPlay pairing for atv: pure state machines over bytes.
#![warn(missing_docs)]
