//! Merging the devices of a pyatv storage file into atv's (pure: no I/O).

use atv_core::{Error, Protocol, Result, Settings};
use serde_json::Value;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Devices that were not stored before.
    pub added: usize,
    /// Stored devices that the import updated (matched by a shared identifier).
    pub updated: usize,
}

/// Merges `imported` into `devices`.
///
/// An imported device that shares an identifier (of any protocol) with a stored one
/// updates it: every value the imported entry sets (identifiers, credentials,
/// passwords, options and presentation info that differ from the defaults, and the
/// Companion `rp_id`) replaces the stored value; values it leaves at their defaults keep
/// what was stored. Other imported devices are added.
pub(crate) fn merge_devices(
    devices: &mut Vec<Settings>,
    imported: Vec<Settings>,
) -> Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    for entry in imported {
        match devices
            .iter()
            .position(|stored| shares_identifier(stored, &entry))
        {
            Some(index) => {
                devices[index] = overlay(&devices[index], &entry)?;
                summary.updated += 1;
            }
            None => {
                devices.push(entry);
                summary.added += 1;
            }
        }
    }
    Ok(summary)
}

fn identifiers(settings: &Settings) -> impl Iterator<Item = &str> {
    Protocol::ALL
        .iter()
        .filter_map(|protocol| settings.protocols.identifier(*protocol))
}

fn shares_identifier(a: &Settings, b: &Settings) -> bool {
    identifiers(a).any(|id| identifiers(b).any(|other| other == id))
}

/// `base` with every value `top` writes (its serialized form leaves defaults out).
fn overlay(base: &Settings, top: &Settings) -> Result<Settings> {
    let mut merged = to_value(base)?;
    merge_value(&mut merged, to_value(top)?);
    serde_json::from_value(merged)
        .map_err(|e| Error::Settings(format!("cannot merge imported settings: {e}")))
}

fn to_value(settings: &Settings) -> Result<Value> {
    serde_json::to_value(settings)
        .map_err(|e| Error::Settings(format!("cannot encode settings: {e}")))
}

fn merge_value(base: &mut Value, top: Value) {
    match (base, top) {
        (Value::Object(base), Value::Object(top)) => {
            for (key, value) in top {
                match base.get_mut(&key) {
                    Some(slot) => merge_value(slot, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(json: &str) -> Settings {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn merges_matching_devices_and_adds_others() {
        let mut devices = vec![settings(
            r#"{"info": {"name": "mine", "rp_id": "000000000001"},
                "protocols": {"mrp": {"identifier": "M1", "credentials": "old"},
                              "raop": {"identifier": "R1", "password": "keep"}}}"#,
        )];
        let imported = vec![
            settings(
                r#"{"info": {"rp_id": "aaaaaaaaaaaa"},
                    "protocols": {"raop": {"identifier": "R1"},
                                  "mrp": {"identifier": "M1", "credentials": "new"},
                                  "companion": {"identifier": "C1", "credentials": "cc"}}}"#,
            ),
            settings(
                r#"{"info": {"rp_id": "bbbbbbbbbbbb"}, "protocols": {"dmap": {"identifier": "D"}}}"#,
            ),
        ];
        let summary = merge_devices(&mut devices, imported).unwrap();
        assert_eq!(
            summary,
            ImportSummary {
                added: 1,
                updated: 1
            }
        );
        let first = &devices[0];
        assert_eq!(first.info.name, "mine");
        assert_eq!(first.info.rp_id, "aaaaaaaaaaaa");
        assert_eq!(first.protocols.mrp.credentials.as_deref(), Some("new"));
        assert_eq!(first.protocols.raop.password.as_deref(), Some("keep"));
        assert_eq!(first.protocols.companion.credentials.as_deref(), Some("cc"));
        assert_eq!(devices[1].protocols.dmap.identifier.as_deref(), Some("D"));
    }
}
