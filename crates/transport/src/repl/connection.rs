//! One protocol thread per board. Everyone else talks to it through crossbeam channels: send
//! "execute this code", receive stdout chunks as they arrive, then the result and the stderr text.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use crate::error::{Result, TransportError};
use crate::io::fdio::{AbortSignal, TimedRead};
use crate::io::port::{ConnectOptions, SharedWriter, write_all};
use crate::repl::raw_repl::{RawRepl, ReplOptions};
use crate::spec::PortSpec;
use crate::wire::reply::ReplySplitter;

/// Stdout chunks in flight per call: bounds host memory when a board prints a lot.
const EVENT_BACKLOG: usize = 64;

/// What a call produces, in order: any number of `Stdout`, then `Done` or `Failed`.
#[derive(Debug)]
pub enum ExecEvent {
    /// Output printed by the board, as it arrived (never contains the result marker).
    Stdout(Vec<u8>),
    /// The call finished. `reply` is the text after the result marker, if one was printed;
    /// `stderr` is empty unless the board raised an exception.
    Done {
        reply: Option<Vec<u8>>,
        stderr: Vec<u8>,
    },
    /// The call could not be completed.
    Failed(TransportError),
}

enum Command {
    Exec {
        id: u64,
        code: Vec<u8>,
        marker: Option<Vec<u8>>,
        events: Sender<ExecEvent>,
    },
    Close {
        done: Sender<()>,
    },
}

/// What other threads may use while the protocol thread is blocked (set once connected).
#[derive(Default)]
struct Controls {
    writer: Option<SharedWriter>,
    abort: Option<Arc<AbortSignal>>,
}

/// Handle to a board's protocol thread. Cheap to share behind an `Arc`.
pub struct Connection {
    commands: Sender<Command>,
    controls: Arc<Mutex<Controls>>,
    next_id: AtomicU64,
    thread: Mutex<Option<JoinHandle<()>>>,
    description: String,
}

/// A queued command: its id (for [`Connection::abort`]) and its events.
pub struct ExecHandle {
    pub id: u64,
    pub events: Receiver<ExecEvent>,
}

/// A connection whose thread is still opening the port and entering the raw REPL.
pub struct PendingConnection {
    conn: Connection,
    ready: Receiver<Result<()>>,
}

impl PendingConnection {
    /// Wait up to `timeout` for the connection to come up. `None`: still connecting.
    pub fn wait(&self, timeout: Duration) -> Option<Result<()>> {
        match self.ready.recv_timeout(timeout) {
            Ok(r) => Some(r),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => Some(Err(
                TransportError::ConnectionLost("the connection thread stopped".into()),
            )),
        }
    }

    /// The connection (use after `wait` returned `Some(Ok(()))`).
    pub fn into_connection(self) -> Connection {
        self.conn
    }
}

impl Connection {
    /// Start the protocol thread: it opens `spec` and enters the raw REPL.
    pub fn start(spec: PortSpec, opts: ConnectOptions) -> PendingConnection {
        let description = spec.to_string();
        Self::spawn(description, move || RawRepl::open(&spec, &opts))
    }

    /// Start the protocol thread over any reader and writer (scripted tests, custom transports).
    pub fn start_over(
        description: String,
        reader: Box<dyn TimedRead>,
        writer: Box<dyn Write + Send>,
        repl: ReplOptions,
    ) -> PendingConnection {
        Self::spawn(description, move || RawRepl::over(reader, writer, repl))
    }

    fn spawn(
        description: String,
        open: impl FnOnce() -> Result<RawRepl> + Send + 'static,
    ) -> PendingConnection {
        let (cmd_tx, cmd_rx) = unbounded::<Command>();
        let (ready_tx, ready_rx) = bounded::<Result<()>>(1);
        let controls = Arc::new(Mutex::new(Controls::default()));
        let slot = controls.clone();
        let thread = std::thread::Builder::new()
            .name(format!("belay {description}"))
            .spawn(move || {
                let repl = match open() {
                    Ok(repl) => repl,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Controls {
                    writer: Some(repl.link_writer()),
                    abort: Some(repl.abort_signal()),
                };
                let _ = ready_tx.send(Ok(()));
                serve(repl, cmd_rx, &slot);
            })
            .expect("spawning the protocol thread");
        PendingConnection {
            conn: Connection {
                commands: cmd_tx,
                controls,
                next_id: AtomicU64::new(1),
                thread: Mutex::new(Some(thread)),
                description,
            },
            ready: ready_rx,
        }
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    /// Queue `code` for execution. When `marker` is given, the text printed after it is the
    /// call's result and is returned in `Done::reply` instead of being streamed as output.
    pub fn exec(&self, code: Vec<u8>, marker: Option<Vec<u8>>) -> ExecHandle {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = bounded(EVENT_BACKLOG);
        if let Err(e) = self.commands.send(Command::Exec {
            id,
            code,
            marker,
            events: tx,
        }) {
            let Command::Exec { events, .. } = e.0 else {
                unreachable!()
            };
            let _ = events.send(ExecEvent::Failed(TransportError::Closed));
        }
        ExecHandle { id, events: rx }
    }

    /// Make the protocol thread give up command `id` if it is still running it (it then fails
    /// with [`TransportError::Aborted`], and the next command first re-enters the raw REPL).
    pub fn abort(&self, id: u64) {
        let abort = self
            .controls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .abort
            .clone();
        if let Some(abort) = abort {
            abort.request(id);
        }
    }

    /// Run `code` and collect everything (for callers that do not stream).
    pub fn exec_collect(&self, code: &[u8], marker: Option<&[u8]>) -> Result<Collected> {
        let handle = self.exec(code.to_vec(), marker.map(<[u8]>::to_vec));
        let mut out = Collected::default();
        for ev in handle.events {
            match ev {
                ExecEvent::Stdout(b) => out.stdout.extend_from_slice(&b),
                ExecEvent::Done { reply, stderr } => {
                    out.reply = reply;
                    out.stderr = stderr;
                    return Ok(out);
                }
                ExecEvent::Failed(e) => return Err(e),
            }
        }
        Err(TransportError::Closed)
    }

    /// Send Ctrl-C to the board now, even while a command runs.
    pub fn interrupt(&self) -> Result<()> {
        let writer = self
            .controls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .writer
            .clone();
        match writer {
            Some(w) => write_all(&w, b"\x03\x03")
                .map_err(|e| TransportError::ConnectionLost(format!("sending Ctrl-C failed: {e}"))),
            None => Err(TransportError::Closed),
        }
    }

    /// Leave the raw REPL, close the port and stop the thread. Waits at most `timeout` for a
    /// command that is still running on the board (it is interrupted first).
    pub fn close(&self, timeout: Duration) {
        let (done_tx, done_rx) = bounded(1);
        if self
            .commands
            .send(Command::Close { done: done_tx })
            .is_err()
        {
            return;
        }
        if done_rx.recv_timeout(timeout).is_err() {
            // A command is still running: interrupt it so the thread can reach the close.
            let _ = self.interrupt();
            let _ = done_rx.recv_timeout(timeout);
        }
        let thread = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(t) = thread.filter(|t| t.is_finished()) {
            let _ = t.join();
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.close(Duration::from_secs(1));
    }
}

/// Output of [`Connection::exec_collect`].
#[derive(Debug, Default)]
pub struct Collected {
    pub stdout: Vec<u8>,
    pub reply: Option<Vec<u8>>,
    pub stderr: Vec<u8>,
}

/// The protocol thread's loop.
fn serve(mut repl: RawRepl, commands: Receiver<Command>, controls: &Mutex<Controls>) {
    let abort = repl.abort_signal();
    // Once the link is gone every later call fails the same way.
    let mut lost: Option<String> = None;
    // After a timeout or protocol error the board's state is unknown: re-enter the raw REPL.
    let mut resync = false;
    for cmd in commands {
        match cmd {
            Command::Exec {
                id,
                code,
                marker,
                events,
            } => {
                if let Some(why) = &lost {
                    let _ = events.send(ExecEvent::Failed(TransportError::ConnectionLost(
                        why.clone(),
                    )));
                    continue;
                }
                if resync {
                    abort.begin(id);
                    let entered = repl.enter_raw(false);
                    abort.end();
                    if let Err(e) = entered {
                        note_failure(&e, &mut lost);
                        let _ = events.send(ExecEvent::Failed(e));
                        continue;
                    }
                    resync = false;
                }
                let mut splitter = marker.as_deref().map(ReplySplitter::new);
                let send_out = |b: &[u8]| {
                    // A receiver that went away (Ctrl-C on the host) must not stop the protocol.
                    let _ = events.send(ExecEvent::Stdout(b.to_vec()));
                };
                abort.begin(id);
                let result = repl.exec(&code, &mut |chunk| match &mut splitter {
                    Some(s) => s.push(chunk, &mut |b| send_out(b)),
                    None => send_out(chunk),
                });
                abort.end();
                match result {
                    Ok(stderr) => {
                        let reply = splitter.and_then(|s| s.finish(&mut |b| send_out(b)));
                        let _ = events.send(ExecEvent::Done { reply, stderr });
                    }
                    Err(e) => {
                        resync = note_failure(&e, &mut lost);
                        let _ = events.send(ExecEvent::Failed(e));
                    }
                }
            }
            Command::Close { done } => {
                if lost.is_none() {
                    let _ = repl.leave();
                }
                // Every handle on the port goes before `close` returns: a serial port is locked
                // for exclusive use until its last descriptor is closed.
                drop(repl);
                *controls.lock().unwrap_or_else(|p| p.into_inner()) = Controls::default();
                let _ = done.send(());
                return;
            }
        }
    }
}

/// Record a lost link; returns whether the protocol needs a resync.
fn note_failure(e: &TransportError, lost: &mut Option<String>) -> bool {
    match e {
        TransportError::ConnectionLost(why) => {
            *lost = Some(why.clone());
            false
        }
        _ => true,
    }
}
