//! Which protocols' state updates reach the user's listeners (as pyatv relays them):
//! volume and output devices from every protocol, told once per change; keyboard focus
//! from the protocol keyboard calls go to.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex, Weak};

use async_trait::async_trait;

use atv_core::interface::{Audio, AudioListener, Keyboard, KeyboardListener};
use atv_core::setup::{Interfaces, ProtocolSession, SetupData};
use atv_core::{
    DeviceConfig, DeviceInfo, KeyboardFocusState, OutputDevice, Protocol, Result, Settings,
};
use atv_facade::{AppleTv, InterfaceKind};

/// A protocol with audio and a keyboard that reports what the test tells it to.
struct TestProtocol {
    protocol: Protocol,
    audio_listener: Mutex<Option<Weak<dyn AudioListener>>>,
    keyboard_listener: Mutex<Option<Weak<dyn KeyboardListener>>>,
}

impl TestProtocol {
    fn new(protocol: Protocol) -> Arc<Self> {
        Arc::new(Self {
            protocol,
            audio_listener: Mutex::new(None),
            keyboard_listener: Mutex::new(None),
        })
    }

    fn audio(&self) -> Option<Arc<dyn AudioListener>> {
        self.audio_listener.lock().unwrap().clone()?.upgrade()
    }

    fn volume(&self, old: f64, new: f64) {
        if let Some(listener) = self.audio() {
            listener.volume_update(old, new);
        }
    }

    fn devices(&self, new: &[OutputDevice]) {
        if let Some(listener) = self.audio() {
            listener.outputdevices_update(&[], new);
        }
    }

    fn focus(&self, old: KeyboardFocusState, new: KeyboardFocusState) {
        let listener = self.keyboard_listener.lock().unwrap().clone();
        if let Some(listener) = listener.and_then(|l| l.upgrade()) {
            listener.focusstate_update(old, new);
        }
    }

    fn setup(self: &Arc<Self>) -> SetupData {
        SetupData {
            protocol: self.protocol,
            session: self.clone(),
            interfaces: Interfaces {
                audio: Some(self.clone()),
                keyboard: Some(self.clone()),
                ..Interfaces::default()
            },
            features: BTreeSet::new(),
        }
    }
}

#[async_trait]
impl ProtocolSession for TestProtocol {
    async fn connect(&self) -> Result<()> {
        Ok(())
    }

    async fn close(&self) {}

    fn device_info(&self) -> DeviceInfo {
        DeviceInfo::default()
    }
}

#[async_trait]
impl Audio for TestProtocol {
    fn set_listener(&self, listener: Option<Weak<dyn AudioListener>>) {
        *self.audio_listener.lock().unwrap() = listener;
    }
}

#[async_trait]
impl Keyboard for TestProtocol {
    fn set_listener(&self, listener: Option<Weak<dyn KeyboardListener>>) {
        *self.keyboard_listener.lock().unwrap() = listener;
    }
}

/// Everything the user's listeners heard.
#[derive(Default)]
struct Heard {
    volume: Mutex<Vec<(f64, f64)>>,
    devices: Mutex<Vec<(usize, usize)>>,
    focus: Mutex<Vec<(KeyboardFocusState, KeyboardFocusState)>>,
}

impl AudioListener for Heard {
    fn volume_update(&self, old_level: f64, new_level: f64) {
        self.volume.lock().unwrap().push((old_level, new_level));
    }

    fn volume_device_update(&self, _device: &OutputDevice, _old: f64, _new: f64) {}

    fn outputdevices_update(&self, old: &[OutputDevice], new: &[OutputDevice]) {
        self.devices.lock().unwrap().push((old.len(), new.len()));
    }
}

impl KeyboardListener for Heard {
    fn focusstate_update(&self, old: KeyboardFocusState, new: KeyboardFocusState) {
        self.focus.lock().unwrap().push((old, new));
    }
}

async fn connected(protocols: &[&Arc<TestProtocol>]) -> AppleTv {
    let config = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Test");
    let atv = AppleTv::new(config, Settings::default());
    for protocol in protocols {
        atv.add_protocol(protocol.setup()).unwrap();
    }
    atv.connect().await.unwrap();
    atv
}

#[tokio::test]
async fn volume_updates_come_from_every_protocol_once_per_change() {
    let mrp = TestProtocol::new(Protocol::Mrp);
    let companion = TestProtocol::new(Protocol::Companion);
    let atv = connected(&[&mrp, &companion]).await;
    let heard = Arc::new(Heard::default());
    let listener: Arc<dyn AudioListener> = heard.clone();
    atv.audio().set_listener(Some(Arc::downgrade(&listener)));

    // Companion is not the main audio protocol, and is still heard.
    companion.volume(0.0, 30.0);
    // MRP tells the same volume: nothing changed for the user.
    mrp.volume(10.0, 30.0);
    mrp.volume(30.0, 50.0);
    // The old level is the one the user was told, not the protocol's.
    companion.volume(30.0, 60.0);
    assert_eq!(
        *heard.volume.lock().unwrap(),
        vec![(0.0, 30.0), (30.0, 50.0), (50.0, 60.0)]
    );

    let device = OutputDevice::new("AA", Some("Kitchen".into()));
    companion.devices(std::slice::from_ref(&device));
    mrp.devices(std::slice::from_ref(&device));
    mrp.devices(&[]);
    assert_eq!(*heard.devices.lock().unwrap(), vec![(0, 1), (1, 0)]);
    atv.close().await;
}

#[tokio::test]
async fn focus_updates_come_from_the_main_keyboard_protocol() {
    let mrp = TestProtocol::new(Protocol::Mrp);
    let companion = TestProtocol::new(Protocol::Companion);
    let atv = connected(&[&companion, &mrp]).await;
    let heard = Arc::new(Heard::default());
    let listener: Arc<dyn KeyboardListener> = heard.clone();
    atv.keyboard().set_listener(Some(Arc::downgrade(&listener)));

    use KeyboardFocusState::{Focused, Unfocused, Unknown};
    // MRP comes first: what Companion reports is not heard (pyatv filters focus
    // updates on the main protocol).
    companion.focus(Unknown, Focused);
    mrp.focus(Unknown, Unfocused);
    mrp.focus(Unfocused, Unfocused);
    assert_eq!(*heard.focus.lock().unwrap(), vec![(Unknown, Unfocused)]);

    // Taken over by Companion: now it is the one heard.
    let takeover = atv
        .takeover_handle()
        .takeover(Protocol::Companion, &[InterfaceKind::Keyboard])
        .unwrap();
    companion.focus(Unfocused, Focused);
    mrp.focus(Unfocused, Unfocused);
    drop(takeover);
    assert_eq!(
        *heard.focus.lock().unwrap(),
        vec![(Unknown, Unfocused), (Unfocused, Focused)]
    );
    atv.close().await;
}

#[tokio::test]
async fn a_keyboard_only_companion_is_heard_beside_mrp_audio() {
    // The usual device: MRP without a keyboard, Companion with one.
    let mrp = TestProtocol::new(Protocol::Mrp);
    let companion = TestProtocol::new(Protocol::Companion);
    let config = DeviceConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), "Test");
    let atv = AppleTv::new(config, Settings::default());
    let mut mrp_setup = mrp.setup();
    mrp_setup.interfaces.keyboard = None;
    atv.add_protocol(mrp_setup).unwrap();
    atv.add_protocol(companion.setup()).unwrap();
    atv.connect().await.unwrap();
    let heard = Arc::new(Heard::default());
    let keyboard: Arc<dyn KeyboardListener> = heard.clone();
    atv.keyboard().set_listener(Some(Arc::downgrade(&keyboard)));
    companion.focus(KeyboardFocusState::Unfocused, KeyboardFocusState::Focused);
    assert_eq!(
        *heard.focus.lock().unwrap(),
        vec![(KeyboardFocusState::Unknown, KeyboardFocusState::Focused)]
    );
    atv.close().await;
}
