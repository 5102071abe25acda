//! Discover, pair with and control Apple TVs, HomePods and AirPlay devices.
#![warn(missing_docs)]
