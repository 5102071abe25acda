//! The benchmark's network: namespace A holds the fake devices, namespace B the tools,
//! joined by a veth pair (atv-tests' harness).

use atv_tests::netns::{Netns, NetnsPair, PREFIX};

use super::fake_network::DEVICE_ADDRESSES;
use super::interrupt;

/// The namespace pair, with the devices' addresses in A. Deleted on drop (and, if
/// interrupted, by [`interrupt`]).
#[derive(Debug)]
pub(crate) struct Namespaces {
    pair: NetnsPair,
}

impl Namespaces {
    /// Creates the pair and gives namespace A every fake device's address.
    pub(crate) fn create() -> Result<Self, String> {
        let pair = NetnsPair::try_create()
            .map_err(|e| format!("cannot create network namespaces: {e}"))?;
        interrupt::track_namespace(pair.a.name());
        interrupt::track_namespace(pair.b.name());
        let namespaces = Self { pair };
        for address in DEVICE_ADDRESSES {
            namespaces
                .devices()
                .add_address(address, PREFIX)
                .map_err(|e| format!("cannot add {address} to namespace A: {e}"))?;
        }
        Ok(namespaces)
    }

    /// Namespace A, where the devices are.
    pub(crate) fn devices(&self) -> &Netns {
        &self.pair.a
    }

    /// Namespace B, where the tools run.
    pub(crate) fn tools(&self) -> &Netns {
        &self.pair.b
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        // The pair deletes both namespaces right after this.
        interrupt::untrack_namespace(self.pair.a.name());
        interrupt::untrack_namespace(self.pair.b.name());
    }
}
