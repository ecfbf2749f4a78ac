//! Finding a board by its USB properties: `UsbSpecifier` (Belay's JSON form, as in
//! `BELAY_DEVICE`), the list of USB serial ports, and `auto` selection.

use serde::{Deserialize, Serialize};

/// A USB serial port as the operating system describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct UsbPort {
    /// The port path, e.g. `/dev/ttyACM0`.
    pub device: String,
    pub vid: Option<u16>,
    pub pid: Option<u16>,
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    /// Bus and hub ports, e.g. `1-1.2`.
    pub location: Option<String>,
}

/// Which USB device to use: every given field must match (strings without regard to case).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsbSpecifier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vid: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// A port path that short-cuts the search (never written to JSON, as in Belay).
    #[serde(default, skip_serializing)]
    pub device: Option<String>,
}

/// Why no single port could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsbError {
    #[error("no USB serial device matches {wanted}; found: {}", describe(.found))]
    NotFound { wanted: String, found: Vec<UsbPort> },
    #[error("several USB serial devices match {wanted}, be more specific:\n{}", describe(.matches))]
    Ambiguous {
        wanted: String,
        matches: Vec<UsbPort>,
    },
}

fn describe(ports: &[UsbPort]) -> String {
    if ports.is_empty() {
        return "none".to_string();
    }
    ports
        .iter()
        .map(|p| format!("  {}", p.summary()))
        .collect::<Vec<_>>()
        .join("\n")
}

impl UsbPort {
    /// One line: path, ids and names.
    pub fn summary(&self) -> String {
        let hex = |v: Option<u16>| v.map_or("----".to_string(), |v| format!("{v:04x}"));
        let mut s = format!("{} [{}:{}]", self.device, hex(self.vid), hex(self.pid));
        for (label, value) in [
            ("serial", &self.serial_number),
            ("manufacturer", &self.manufacturer),
            ("product", &self.product),
            ("location", &self.location),
        ] {
            if let Some(v) = value {
                s.push_str(&format!(" {label}={v:?}"));
            }
        }
        s
    }
}

/// The value of one property of a port or specifier (see [`PORT_COLUMNS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Property {
    /// `vid`, `pid`.
    Id(Option<u16>),
    /// The others.
    Text(Option<String>),
}

impl UsbSpecifier {
    /// The property named `name` (one of [`PORT_COLUMNS`]).
    pub fn property(&self, name: &str) -> Option<Property> {
        Some(match name {
            "vid" => Property::Id(self.vid),
            "pid" => Property::Id(self.pid),
            "serial_number" => Property::Text(self.serial_number.clone()),
            "manufacturer" => Property::Text(self.manufacturer.clone()),
            "product" => Property::Text(self.product.clone()),
            "location" => Property::Text(self.location.clone()),
            "device" => Property::Text(self.device.clone()),
            _ => return None,
        })
    }

    /// Set the property named `name`; false when there is no such property or `value` is of the
    /// other kind.
    pub fn set_property(&mut self, name: &str, value: Property) -> bool {
        match (name, value) {
            ("vid", Property::Id(v)) => self.vid = v,
            ("pid", Property::Id(v)) => self.pid = v,
            ("serial_number", Property::Text(v)) => self.serial_number = v,
            ("manufacturer", Property::Text(v)) => self.manufacturer = v,
            ("product", Property::Text(v)) => self.product = v,
            ("location", Property::Text(v)) => self.location = v,
            ("device", Property::Text(v)) => self.device = v,
            _ => return false,
        }
        true
    }

    /// The specifier that selects exactly `port` (its path included).
    pub fn of_port(port: &UsbPort) -> UsbSpecifier {
        UsbSpecifier {
            vid: port.vid,
            pid: port.pid,
            serial_number: port.serial_number.clone(),
            manufacturer: port.manufacturer.clone(),
            product: port.product.clone(),
            location: port.location.clone(),
            device: Some(port.device.clone()),
        }
    }

    pub fn from_json(text: &str) -> Result<UsbSpecifier, String> {
        serde_json::from_str(text).map_err(|e| format!("not a USB specifier ({e})"))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a UsbSpecifier always serialises")
    }

    pub fn matches(&self, port: &UsbPort) -> bool {
        let text = |want: &Option<String>, have: &Option<String>| match want {
            None => true,
            Some(w) => have
                .as_ref()
                .is_some_and(|h| h.to_lowercase() == w.to_lowercase()),
        };
        let id = |want: Option<u16>, have: Option<u16>| want.is_none() || want == have;
        id(self.vid, port.vid)
            && id(self.pid, port.pid)
            && text(&self.serial_number, &port.serial_number)
            && text(&self.manufacturer, &port.manufacturer)
            && text(&self.product, &port.product)
            && text(&self.location, &port.location)
    }

    /// The port this specifier selects among `ports`.
    pub fn select(&self, ports: &[UsbPort]) -> Result<String, UsbError> {
        if let Some(device) = &self.device {
            return Ok(device.clone());
        }
        let matches: Vec<UsbPort> = ports.iter().filter(|p| self.matches(p)).cloned().collect();
        match matches.as_slice() {
            [one] => Ok(one.device.clone()),
            [] => Err(UsbError::NotFound {
                wanted: self.to_json(),
                found: ports.to_vec(),
            }),
            _ => Err(UsbError::Ambiguous {
                wanted: self.to_json(),
                matches,
            }),
        }
    }
}

/// USB vendor ids of boards that run MicroPython or CircuitPython, and of common USB-UART bridges
/// on such boards.
pub const BOARD_VENDORS: &[(u16, &str)] = &[
    (0x2E8A, "Raspberry Pi (RP2040/RP2350)"),
    (0x303A, "Espressif (native USB)"),
    (0x239A, "Adafruit"),
    (0xF055, "MicroPython (pyboard)"),
    (0x0483, "STMicroelectronics"),
    (0x2341, "Arduino"),
    (0x2886, "Seeed Studio"),
    (0x1B4F, "SparkFun"),
    (0x16C0, "Teensy (PJRC)"),
    (0x1209, "pid.codes (open hardware)"),
    (0x10C4, "Silicon Labs CP210x bridge"),
    (0x1A86, "WCH CH340/CH9102 bridge"),
    (0x0403, "FTDI bridge"),
    (0x067B, "Prolific bridge"),
];

/// `--port auto`: the one USB serial device whose vendor is a known board or bridge maker.
pub fn select_auto(ports: &[UsbPort]) -> Result<String, UsbError> {
    let known = |p: &UsbPort| {
        p.vid
            .is_some_and(|v| BOARD_VENDORS.iter().any(|(id, _)| *id == v))
    };
    let matches: Vec<UsbPort> = ports.iter().filter(|p| known(p)).cloned().collect();
    let wanted = "a MicroPython board or USB-UART bridge (auto)".to_string();
    match matches.as_slice() {
        [one] => Ok(one.device.clone()),
        [] => Err(UsbError::NotFound {
            wanted,
            found: ports.to_vec(),
        }),
        _ => Err(UsbError::Ambiguous { wanted, matches }),
    }
}

/// The properties of a serial port, in the order `belay-run list` shows them; the names are
/// those of `belay.UsbSpecifier`'s fields.
pub const PORT_COLUMNS: [&str; 7] = [
    "device",
    "vid",
    "pid",
    "serial_number",
    "manufacturer",
    "product",
    "location",
];

/// The cells of `port` under [`PORT_COLUMNS`]: ids in hex, `-` for what the system does not know.
pub fn port_row(port: &UsbPort) -> [String; 7] {
    let spec = UsbSpecifier::of_port(port);
    PORT_COLUMNS.map(|column| match spec.property(column) {
        Some(Property::Id(Some(v))) => format!("0x{v:04x}"),
        Some(Property::Text(Some(v))) => v,
        _ => "-".into(),
    })
}

/// Every serial port of this machine, sorted by path: USB ones with their details, others with
/// their path only.
pub fn list_ports() -> Vec<UsbPort> {
    let usb = list_usb_ports();
    let mut out: Vec<UsbPort> = serialport::available_ports()
        .unwrap_or_default()
        .into_iter()
        .filter(|p| !usb.iter().any(|u| u.device == p.port_name))
        .map(|p| UsbPort {
            device: p.port_name,
            ..UsbPort::default()
        })
        .collect();
    out.extend(usb);
    out.sort_by(|a, b| a.device.cmp(&b.device));
    out
}

/// The USB serial ports of this machine (other serial ports are left out, as in Belay).
pub fn list_usb_ports() -> Vec<UsbPort> {
    let Ok(ports) = serialport::available_ports() else {
        return Vec::new();
    };
    let mut out: Vec<UsbPort> = ports
        .into_iter()
        .filter_map(|p| match p.port_type {
            serialport::SerialPortType::UsbPort(info) => Some(UsbPort {
                device: p.port_name,
                vid: Some(info.vid),
                pid: Some(info.pid),
                serial_number: info.serial_number,
                manufacturer: info.manufacturer,
                product: info.product,
                location: info.location.map(|l| {
                    let chain: Vec<String> = l.port_chain().iter().map(u8::to_string).collect();
                    format!("{}-{}", l.bus_id(), chain.join("."))
                }),
            }),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| a.device.cmp(&b.device));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(device: &str, vid: u16, serial: &str) -> UsbPort {
        UsbPort {
            device: device.into(),
            vid: Some(vid),
            pid: Some(5),
            serial_number: Some(serial.into()),
            manufacturer: Some("MicroPython".into()),
            product: Some("Board in FS mode".into()),
            location: Some("1-1.2".into()),
        }
    }

    #[test]
    fn json_round_trip_and_unknown_fields() {
        let s = UsbSpecifier::from_json(r#"{"vid": 11914, "serial_number": "abc"}"#).unwrap();
        assert_eq!(s.vid, Some(0x2E8A));
        assert_eq!(s.to_json(), r#"{"vid":11914,"serial_number":"abc"}"#);
        assert!(UsbSpecifier::from_json(r#"{"vendor": 1}"#).is_err());
    }

    #[test]
    fn matches_by_serial_number_case_insensitively() {
        let ports = [
            port("/dev/ttyACM0", 0x2E8A, "E66118"),
            port("/dev/ttyACM1", 0x2E8A, "E66119"),
        ];
        let s = UsbSpecifier {
            serial_number: Some("e66119".into()),
            ..Default::default()
        };
        assert_eq!(s.select(&ports).unwrap(), "/dev/ttyACM1");
    }

    #[test]
    fn none_and_several_are_errors_that_list_the_ports() {
        let ports = [
            port("/dev/ttyACM0", 0x2E8A, "A"),
            port("/dev/ttyACM1", 0x2E8A, "B"),
        ];
        let any_pi = UsbSpecifier {
            vid: Some(0x2E8A),
            ..Default::default()
        };
        let err = any_pi.select(&ports).unwrap_err();
        assert!(matches!(err, UsbError::Ambiguous { .. }));
        assert!(err.to_string().contains("/dev/ttyACM1"), "{err}");
        let missing = UsbSpecifier {
            serial_number: Some("Z".into()),
            ..Default::default()
        };
        let err = missing.select(&ports).unwrap_err();
        assert!(matches!(err, UsbError::NotFound { .. }));
        assert!(
            err.to_string().contains("/dev/ttyACM0 [2e8a:0005]"),
            "{err}"
        );
    }

    #[test]
    fn auto_picks_the_single_known_vendor() {
        let other = UsbPort {
            device: "/dev/ttyUSB9".into(),
            vid: Some(0x1234),
            ..Default::default()
        };
        let pico = port("/dev/ttyACM0", 0x2E8A, "A");
        assert_eq!(
            select_auto(&[other.clone(), pico.clone()]).unwrap(),
            "/dev/ttyACM0"
        );
        assert!(matches!(
            select_auto(std::slice::from_ref(&other)),
            Err(UsbError::NotFound { .. })
        ));
        let second = port("/dev/ttyACM1", 0x10C4, "B");
        assert!(matches!(
            select_auto(&[pico, second, other]),
            Err(UsbError::Ambiguous { .. })
        ));
    }

    #[test]
    fn properties_by_name() {
        let mut spec = UsbSpecifier::default();
        assert!(spec.set_property("vid", Property::Id(Some(0x2E8A))));
        assert!(spec.set_property("serial_number", Property::Text(Some("E6".into()))));
        assert!(!spec.set_property("vid", Property::Text(Some("x".into()))));
        assert!(!spec.set_property("colour", Property::Id(None)));
        assert_eq!(spec.property("vid"), Some(Property::Id(Some(0x2E8A))));
        assert_eq!(spec.property("colour"), None);
        for column in PORT_COLUMNS {
            assert!(spec.property(column).is_some(), "{column}");
        }
    }

    #[test]
    fn rows_mark_unknowns_and_show_ids_in_hex() {
        let plain = UsbPort {
            device: "/dev/ttyS0".into(),
            ..Default::default()
        };
        assert_eq!(
            port_row(&plain),
            ["/dev/ttyS0", "-", "-", "-", "-", "-", "-"]
        );
        let pico = port("/dev/ttyACM0", 0x2E8A, "E66");
        assert_eq!(port_row(&pico)[1..3], ["0x2e8a", "0x0005"]);
        assert!(list_ports().iter().all(|p| !p.device.is_empty()));
    }

    #[test]
    fn listing_does_not_fail_without_usb_devices() {
        // CI machines have no boards plugged in: the list is simply empty (or real devices).
        let ports = list_usb_ports();
        assert!(ports.iter().all(|p| p.device.starts_with("/dev/")));
    }
}
