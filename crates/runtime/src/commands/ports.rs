//! `belay-run list` (every serial port with its USB details) and `belay-run select` (pick a port,
//! print the `BELAY_DEVICE` line that finds it again: a USB board by its identity wherever it is
//! plugged in, another port by its path).

use std::process::ExitCode;

use belay_transport::{PORT_COLUMNS, UsbPort, UsbSpecifier, list_ports, port_row};

fn table(ports: &[UsbPort]) -> Vec<String> {
    let rows: Vec<[String; 7]> = ports.iter().map(port_row).collect();
    let header = PORT_COLUMNS.map(String::from);
    let widths: Vec<usize> = (0..7)
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    std::iter::once(&header)
        .chain(&rows)
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

/// `belay-run list`.
pub fn list() -> ExitCode {
    let ports = list_ports();
    if ports.is_empty() {
        eprintln!("no serial ports found");
    }
    for line in table(&ports) {
        println!("{line}");
    }
    ExitCode::SUCCESS
}

/// The specifier that finds `port` again: its USB identity, not its device path (the hub
/// location only for a board without a serial number).
fn specifier_for(port: &UsbPort) -> UsbSpecifier {
    let mut spec = UsbSpecifier::of_port(port);
    spec.device = None;
    if spec.serial_number.is_some() {
        spec.location = None;
    }
    spec
}

/// What finds `port` again: a USB board's identity as JSON, another port's path.
fn port_value(port: &UsbPort) -> String {
    if port.vid.is_some() {
        specifier_for(port).to_json()
    } else {
        port.device.clone()
    }
}

/// `export BELAY_DEVICE='…'`, quoted for a POSIX shell.
fn export_line(value: &str) -> String {
    format!("export BELAY_DEVICE='{}'", value.replace('\'', "'\\''"))
}

/// `belay-run select`.
pub fn select() -> ExitCode {
    let ports = list_ports();
    if ports.is_empty() {
        eprintln!("no serial ports found: plug a board in, or pass its port directly");
        return ExitCode::FAILURE;
    }
    let lines = table(&ports);
    let chosen = dialoguer::Select::new()
        .with_prompt(format!("Select a board\n    {}", lines[0]))
        .items(&lines[1..])
        .default(0)
        .interact_opt();
    match chosen {
        Ok(Some(i)) => {
            println!("{}", export_line(&port_value(&ports[i])));
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("select needs an interactive terminal: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_line_round_trips_through_the_shell_quoting() {
        let port = UsbPort {
            device: "/dev/ttyACM0".into(),
            vid: Some(0x2e8a),
            pid: Some(5),
            serial_number: Some("E66038B7'13".into()),
            ..UsbPort::default()
        };
        let line = export_line(&port_value(&port));
        assert_eq!(
            line,
            r#"export BELAY_DEVICE='{"vid":11914,"pid":5,"serial_number":"E66038B7'\''13"}'"#
        );
        let plain = UsbPort {
            device: "/dev/ttyAMA0".into(),
            ..UsbPort::default()
        };
        assert_eq!(
            export_line(&port_value(&plain)),
            "export BELAY_DEVICE='/dev/ttyAMA0'"
        );
        let spec = specifier_for(&port);
        assert!(spec.matches(&port));
        assert_eq!(UsbSpecifier::from_json(&spec.to_json()).unwrap(), spec);
    }

    #[test]
    fn table_aligns_columns_and_marks_unknowns() {
        let ports = [UsbPort {
            device: "/dev/ttyS0".into(),
            ..UsbPort::default()
        }];
        let lines = table(&ports);
        assert!(lines[0].starts_with("device      vid  pid"), "{lines:?}");
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            ["/dev/ttyS0", "-", "-", "-", "-", "-", "-"]
        );
    }
}
