//! One protocol thread per board. Everyone else talks to it through crossbeam channels: send
//! "execute this code", receive stdout chunks as they arrive (see [`super::call`]), then the
//! result and the stderr text.
//!
//! Stopping: [`Connection::close`] (and dropping the connection, or a [`PendingConnection`])
//! returns within its timeout whatever the board does. The protocol thread is asked to stop
//! through the link's [`AbortSignal`], which also wakes it from a blocked read; once asked, it
//! runs nothing more, writes nothing but its goodbye to the board (and that only before the
//! close's deadline), and ends at its next read.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded, unbounded};

use crate::error::{Result, TransportError};
use crate::io::bounded_write::BoundedWrites;
use crate::io::port::{ConnectOptions, SharedWriter, write_all};
use crate::io::timed::{AbortSignal, TimedRead};
use crate::repl::call::{CallOutput, ExecEvent, ExecHandle, call};
use crate::repl::events::{BoardEvent, EventSink, EventSource, channel};
use crate::repl::raw_repl::{RawRepl, ReplOptions};
use crate::repl::terminal::TerminalKeys;
use crate::spec::PortSpec;
use crate::wire::filter::{FRAME_CLOSE, FRAME_OPEN};
use crate::wire::frames::{Frame, host_answer, parse_frame};
use crate::wire::splitter::ReplySplitter;

/// How long dropping a connection may take (see [`Connection::close`]).
const DROP_TIMEOUT: Duration = Duration::from_secs(1);
/// How long [`Connection::interrupt`] may take.
pub const INTERRUPT_TIMEOUT: Duration = Duration::from_secs(1);

enum Command {
    Exec {
        id: u64,
        code: Vec<u8>,
        marker: Option<Vec<u8>>,
        out: CallOutput,
    },
    /// The board's friendly REPL until `keys` ends ([`Connection::terminal`]).
    Terminal {
        id: u64,
        keys: Receiver<Vec<u8>>,
        out: CallOutput,
    },
    /// From now on read the board between commands too, for its events (frames after
    /// `marker`).
    Watch { marker: Vec<u8> },
    /// Leave the raw REPL (if still before `leave_by`), close the port, end the thread.
    Close { leave_by: Instant },
}

/// Handle to a board's protocol thread. Cheap to share behind an `Arc`.
pub struct Connection {
    commands: Sender<Command>,
    /// The port's writer, for interrupts; set once connected, cleared when closed.
    writer: Arc<Mutex<Option<SharedWriter>>>,
    /// Interrupts, which give up after [`INTERRUPT_TIMEOUT`].
    interrupts: BoundedWrites,
    /// Wakes the protocol thread (`None` only when it could not be created: no thread runs).
    abort: Option<Arc<AbortSignal>>,
    next_id: AtomicU64,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// Disconnected when the protocol thread has ended (nothing is ever sent on it).
    ended: Receiver<()>,
    description: String,
    /// What the board sends unasked.
    events: EventSource,
    /// The protocol thread reads the board between commands: a queued command must wake it.
    watching: AtomicBool,
}

/// A connection whose thread is still opening the port and entering the raw REPL. Dropping it
/// stops the thread and returns within 1 s, whatever the board does.
pub struct PendingConnection {
    conn: Connection,
    ready: Receiver<Result<()>>,
}

impl PendingConnection {
    /// Wait up to `timeout` for the connection to come up. `None`: still connecting. Every
    /// error here is a connect failure (the connect as a whole is bounded by
    /// [`ConnectOptions::connect_timeout`]).
    pub fn wait(&self, timeout: Duration) -> Option<Result<()>> {
        match self.ready.recv_timeout(timeout) {
            Ok(r) => Some(r),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => Some(Err(TransportError::ConnectionLost(
                "the connection thread stopped".into(),
            ))),
        }
    }

    /// The connection (use after `wait` returned `Some(Ok(()))`).
    pub fn into_connection(self) -> Connection {
        self.conn
    }
}

impl Connection {
    /// Start the protocol thread: it opens `spec` and enters the raw REPL, within
    /// `opts.connect_timeout`.
    pub fn start(spec: PortSpec, opts: ConnectOptions) -> PendingConnection {
        let description = spec.to_string();
        Self::spawn(description, move |abort| {
            RawRepl::open_with(&spec, &opts, abort)
        })
    }

    /// Start the protocol thread over any reader and writer (scripted tests, custom transports);
    /// entering the raw REPL takes at most `connect_timeout`.
    pub fn start_over(
        description: String,
        reader: Box<dyn TimedRead>,
        writer: Box<dyn Write + Send>,
        repl: ReplOptions,
        connect_timeout: Duration,
    ) -> PendingConnection {
        Self::spawn(description, move |abort| {
            RawRepl::over_with(reader, writer, repl, connect_timeout, abort)
        })
    }

    fn spawn(
        description: String,
        open: impl FnOnce(Arc<AbortSignal>) -> Result<RawRepl> + Send + 'static,
    ) -> PendingConnection {
        let (cmd_tx, cmd_rx) = unbounded::<Command>();
        let (ready_tx, ready_rx) = bounded::<Result<()>>(1);
        let (alive, ended) = bounded::<()>(0);
        let writer = Arc::new(Mutex::new(None));
        let (abort, thread, events) = match AbortSignal::shared() {
            Ok(abort) => {
                let signal = abort.clone();
                let slot = writer.clone();
                let (events, sink) = channel(abort.clone());
                let thread = std::thread::Builder::new()
                    .name(format!("belay {description}"))
                    .spawn(move || {
                        protocol_thread(open, signal, ready_tx, cmd_rx, &slot, sink);
                        drop(alive);
                    })
                    .expect("spawning the protocol thread");
                (Some(abort), Some(thread), events)
            }
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                (None, None, EventSource::closed())
            }
        };
        PendingConnection {
            conn: Connection {
                commands: cmd_tx,
                writer,
                interrupts: BoundedWrites::default(),
                abort,
                next_id: AtomicU64::new(1),
                thread: Mutex::new(thread),
                ended,
                description,
                events,
                watching: AtomicBool::new(false),
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
        let Some(abort) = &self.abort else {
            return ExecHandle::failed(id, TransportError::Closed);
        };
        let (handle, out) = call(id, abort.clone());
        self.queue(Command::Exec {
            id,
            code,
            marker,
            out,
        });
        handle
    }

    /// The board's own REPL, for a person: the protocol thread leaves the raw REPL, sends what
    /// goes through the returned [`TerminalKeys`] to the board as it is, and streams the board's
    /// output as [`ExecEvent::Stdout`]; board → host frames are still taken out (events go to
    /// [`Connection::events`], host function calls come as [`ExecEvent::HostCall`] and are
    /// answered with [`Connection::answer`]). Dropping the keys ends the session: the raw REPL
    /// is entered again and the handle gets `Done`. A soft reboot the user asks for ends it with
    /// `Failed(`[`TransportError::BoardReset`]`)`.
    pub fn terminal(&self) -> (ExecHandle, TerminalKeys) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (keys_tx, keys) = unbounded();
        let keys_tx = TerminalKeys::new(keys_tx, self.abort.clone());
        let Some(abort) = &self.abort else {
            return (ExecHandle::failed(id, TransportError::Closed), keys_tx);
        };
        let (handle, out) = call(id, abort.clone());
        self.queue(Command::Terminal { id, keys, out });
        (handle, keys_tx)
    }

    /// Queue a command that has a [`CallOutput`] (it fails at once if the thread is gone).
    fn queue(&self, command: Command) {
        match self.commands.send(command) {
            Err(e) => {
                if let Command::Exec { out, .. } | Command::Terminal { out, .. } = e.0 {
                    out.finish(ExecEvent::Failed(TransportError::Closed));
                }
            }
            Ok(()) => {
                if let Some(abort) = &self.abort
                    && self.watching.load(Ordering::SeqCst)
                {
                    abort.poke();
                }
            }
        }
    }

    /// What the board sends unasked: events (during calls, and between calls once
    /// [`Connection::watch_events`] was called), dropped counts, output between calls.
    pub fn events(&self) -> EventSource {
        self.events.clone()
    }

    /// From now on, also read the board between commands, so that its events arrive when they
    /// are emitted (and output printed between calls arrives as [`BoardEvent::Output`]).
    /// `marker`: the session's result marker, which starts every frame. Idempotent.
    pub fn watch_events(&self, marker: Vec<u8>) {
        if !self.watching.swap(true, Ordering::SeqCst) {
            let _ = self.commands.send(Command::Watch { marker });
        }
    }

    /// Send the answer to a host function call ([`ExecEvent::HostCall`]) to the board, which
    /// reads it from its console while the call runs.
    pub fn answer(&self, line: &[u8]) -> Result<()> {
        self.write_now(line, "sending a host function's answer")
    }

    /// Make the protocol thread give up command `id` if it is still running it (it then fails
    /// with [`TransportError::Aborted`], and the next command first re-enters the raw REPL).
    pub fn abort(&self, id: u64) {
        if let Some(abort) = &self.abort {
            abort.request(id);
        }
    }

    /// Run `code` and collect everything (for callers that do not stream).
    pub fn exec_collect(&self, code: &[u8], marker: Option<&[u8]>) -> Result<Collected> {
        let handle = self.exec(code.to_vec(), marker.map(<[u8]>::to_vec));
        let mut out = Collected::default();
        for ev in handle.iter() {
            match ev {
                ExecEvent::Accepted => {}
                ExecEvent::Stdout(b) => out.stdout.extend_from_slice(&b),
                ExecEvent::HostCall { name, .. } => {
                    let why = format!("{name}() is not served here: no host functions");
                    self.answer(&host_answer(Err(&why)))?;
                }
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

    /// Send Ctrl-C to the board now, even while a command runs. Returns within
    /// [`INTERRUPT_TIMEOUT`] whatever the board does, as [`Connection::close`] does: if the board
    /// has not taken the bytes by then (it stopped reading and the line is full, or the protocol
    /// thread's own write is stuck behind it), fails with [`TransportError::ConnectionLost`]; a
    /// Ctrl-C that has not started to go out by then never does.
    pub fn interrupt(&self) -> Result<()> {
        let writer = self.writer()?;
        self.interrupts
            .write_all(&writer, b"\x03\x03", INTERRUPT_TIMEOUT)
            .map_err(|e| TransportError::ConnectionLost(format!("sending Ctrl-C failed: {e}")))
    }

    /// Write `bytes` to the board at once, from this thread, even while a command runs.
    fn write_now(&self, bytes: &[u8], what: &str) -> Result<()> {
        write_all(&self.writer()?, bytes)
            .map_err(|e| TransportError::ConnectionLost(format!("{what} failed: {e}")))
    }

    /// The port's writer, while connected.
    fn writer(&self) -> Result<SharedWriter> {
        self.writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(TransportError::Closed)
    }

    /// Leave the raw REPL, close the port and stop the thread; returns within `timeout` in
    /// total. Commands queued before the close, and one still running, get the first half of
    /// `timeout` to end; then the thread is told to stop: a command still running (or still
    /// queued) fails with [`TransportError::Closed`], and the board is interrupted by the
    /// goodbye (Ctrl-C twice, Ctrl-B). A connection still connecting is stopped at once. If the
    /// thread has not ended by `timeout` (it is stuck writing to a board that holds the line),
    /// it is left to end on its own: it writes nothing more and runs nothing more.
    pub fn close(&self, timeout: Duration) {
        self.close_leaving(timeout, true);
    }

    /// [`Connection::close`] without the goodbye: the board is not interrupted and stays in the
    /// REPL it is in (after a soft reset the host asked for, its `main.py` runs on).
    pub fn close_silently(&self, timeout: Duration) {
        self.close_leaving(timeout, false);
    }

    fn close_leaving(&self, timeout: Duration, goodbye: bool) {
        let deadline = Instant::now() + timeout;
        let thread = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        let (Some(thread), Some(abort)) = (thread, &self.abort) else {
            return;
        };
        let connected = self
            .writer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        let leave_by = if goodbye { deadline } else { Instant::now() };
        let _ = self.commands.send(Command::Close { leave_by });
        if self.watching.load(Ordering::SeqCst) {
            // Wake a read between commands: the close is next.
            abort.poke();
        }
        let graceful = if connected {
            Instant::now() + timeout / 2
        } else {
            Instant::now()
        };
        if !self.ended_by(graceful) {
            abort.close();
            if !self.ended_by(deadline) {
                return;
            }
        }
        let _ = thread.join();
    }

    /// Whether the protocol thread ended by `deadline`.
    fn ended_by(&self, deadline: Instant) -> bool {
        matches!(
            self.ended.recv_deadline(deadline),
            Err(RecvTimeoutError::Disconnected)
        )
    }
}

impl Drop for Connection {
    /// Closes the connection: returns within 1 s.
    fn drop(&mut self) {
        self.close(DROP_TIMEOUT);
    }
}

/// Output of [`Connection::exec_collect`].
#[derive(Debug, Default)]
pub struct Collected {
    pub stdout: Vec<u8>,
    pub reply: Option<Vec<u8>>,
    pub stderr: Vec<u8>,
}

/// The protocol thread: connect, report, then serve commands until closed.
fn protocol_thread(
    open: impl FnOnce(Arc<AbortSignal>) -> Result<RawRepl>,
    abort: Arc<AbortSignal>,
    ready: Sender<Result<()>>,
    commands: Receiver<Command>,
    writer: &Mutex<Option<SharedWriter>>,
    events: EventSink,
) {
    let repl = match open(abort) {
        Ok(repl) => repl,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    *writer.lock().unwrap_or_else(|p| p.into_inner()) = Some(repl.link_writer());
    let _ = ready.send(Ok(()));
    Server {
        repl,
        events,
        lost: None,
        resync: false,
        watching: None,
        idle_paused: false,
    }
    .serve(commands, writer);
}

/// The protocol thread's state while it serves commands.
struct Server {
    repl: RawRepl,
    events: EventSink,
    /// Once the link is gone every later call fails the same way.
    lost: Option<String>,
    /// After a timeout or protocol error the board's state is unknown: re-enter the raw REPL.
    resync: bool,
    /// Watching for frames, and the board between commands: the marker that starts a frame.
    watching: Option<Vec<u8>>,
    /// A reboot showed between commands: its bytes wait for the next command to judge.
    idle_paused: bool,
}

impl Server {
    fn serve(mut self, commands: Receiver<Command>, writer: &Mutex<Option<SharedWriter>>) {
        let abort = self.repl.abort_signal();
        loop {
            let watching = self.watching.is_some() && self.lost.is_none() && !self.idle_paused;
            let cmd = if watching && !abort.is_closing() {
                match commands.try_recv() {
                    Ok(cmd) => cmd,
                    Err(crossbeam_channel::TryRecvError::Empty) => {
                        self.watch_once();
                        continue;
                    }
                    Err(crossbeam_channel::TryRecvError::Disconnected) => return,
                }
            } else {
                match commands.recv() {
                    Ok(cmd) => cmd,
                    Err(_) => return,
                }
            };
            match cmd {
                Command::Exec {
                    id,
                    code,
                    marker,
                    out,
                } => self.exec(&abort, id, &out, |server| {
                    server.run_call(&code, marker.as_deref(), &out)
                }),
                Command::Terminal { id, keys, out } => {
                    self.exec(&abort, id, &out, |server| server.run_terminal(&keys, &out))
                }
                Command::Watch { marker } => {
                    self.repl.watch_frames(&marker);
                    self.watching = Some(marker);
                }
                Command::Close { leave_by } => {
                    *writer.lock().unwrap_or_else(|p| p.into_inner()) = None;
                    if self.lost.is_none() && Instant::now() < leave_by {
                        let _ = self.repl.leave();
                    }
                    // Every handle on the port goes before the thread ends (and `close`
                    // returns): a serial port is locked for exclusive use until its last
                    // descriptor is closed.
                    drop(self.repl);
                    return;
                }
            }
        }
    }

    /// Run command `id` with `run`, unless the connection is closing or lost.
    fn exec(
        &mut self,
        abort: &AbortSignal,
        id: u64,
        out: &CallOutput,
        run: impl FnOnce(&mut Self) -> Result<ExecEvent>,
    ) {
        if abort.is_closing() {
            out.finish(ExecEvent::Failed(TransportError::Closed));
            return;
        }
        if let Some(why) = &self.lost {
            out.finish(ExecEvent::Failed(TransportError::ConnectionLost(
                why.clone(),
            )));
            return;
        }
        self.idle_paused = false;
        abort.begin(id);
        let result = self.resynced().and_then(|()| run(self));
        abort.end();
        match result {
            Ok(done) => out.finish(done),
            Err(e) => {
                self.resync = note_failure(&e, &mut self.lost);
                out.finish(ExecEvent::Failed(e));
            }
        }
    }

    /// Re-enter the raw REPL if the previous command failed.
    fn resynced(&mut self) -> Result<()> {
        if self.resync {
            self.repl.resync()?;
            self.resync = false;
        }
        Ok(())
    }

    /// Run one call.
    fn run_call(
        &mut self,
        code: &[u8],
        marker: Option<&[u8]>,
        out: &CallOutput,
    ) -> Result<ExecEvent> {
        let mut on_frame = frame_handler(&self.events, self.watching.as_deref(), out);
        let mut splitter = marker.map(ReplySplitter::new);
        let stderr = self.repl.exec_noting(
            code,
            &mut |chunk| match &mut splitter {
                Some(s) => s.push(chunk, &mut |b| out.stdout(b)),
                None => out.stdout(chunk),
            },
            &mut on_frame,
            &mut || out.accepted(),
        )?;
        drop(on_frame);
        let reply = splitter.and_then(|s| s.finish(&mut |b| out.stdout(b)));
        self.report_frames_dropped();
        Ok(ExecEvent::Done { reply, stderr })
    }

    /// A terminal session ([`Connection::terminal`]).
    fn run_terminal(&mut self, keys: &Receiver<Vec<u8>>, out: &CallOutput) -> Result<ExecEvent> {
        out.accepted();
        let mut on_frame = frame_handler(&self.events, self.watching.as_deref(), out);
        self.repl
            .terminal(keys, &mut |bytes| out.stdout(bytes), &mut on_frame)?;
        drop(on_frame);
        self.report_frames_dropped();
        Ok(ExecEvent::Done {
            reply: None,
            stderr: Vec::new(),
        })
    }

    /// Between commands: wait for the board's bytes (or a queued command) once.
    fn watch_once(&mut self) {
        let Some(marker) = &self.watching else {
            return;
        };
        let events = &self.events;
        let result = self.repl.idle(
            &mut |bytes| events.send(BoardEvent::Output(bytes.to_vec()), bytes.len()),
            &mut |payload| {
                // A host function called now cannot be answered: `board_event` reports it.
                let event = match parse_frame(payload) {
                    Ok(frame) => board_event(frame),
                    Err(_) => BoardEvent::Output(unparsed(marker, payload)),
                };
                events.send(event, payload.len());
            },
        );
        match result {
            Ok(true) => {}
            Ok(false) => self.idle_paused = true,
            Err(TransportError::Closed) => {}
            Err(e) => {
                self.resync = note_failure(&e, &mut self.lost);
                self.idle_paused = true;
            }
        }
        self.report_frames_dropped();
    }

    /// Frames the link had to drop, as a host-side loss.
    fn report_frames_dropped(&mut self) {
        let count = self.repl.take_frames_dropped();
        if count > 0 {
            let report = BoardEvent::Dropped {
                count,
                on_host: true,
            };
            self.events.send(report, 0);
        }
    }
}

/// What a command does with a frame: a host function call goes to the command's caller, the
/// rest to the event channel; one that does not parse is output.
fn frame_handler<'a>(
    events: &'a EventSink,
    watching: Option<&'a [u8]>,
    out: &'a CallOutput,
) -> impl FnMut(&[u8]) + 'a {
    move |payload: &[u8]| match parse_frame(payload) {
        Ok(Frame::HostCall { name, args, kwargs }) => {
            out.host_call(ExecEvent::HostCall { name, args, kwargs })
        }
        Ok(frame) => events.send(board_event(frame), payload.len()),
        Err(_) => out.stdout(&unparsed(watching.unwrap_or_default(), payload)),
    }
}

/// An event, a dropped count, or (while no call runs) a host function call that cannot be
/// answered, for the consumer.
fn board_event(frame: Frame) -> BoardEvent {
    match frame {
        Frame::Event { name, value, ticks } => BoardEvent::Event { name, value, ticks },
        Frame::Dropped(count) => BoardEvent::Dropped {
            count,
            on_host: false,
        },
        Frame::HostCall { name, .. } => BoardEvent::StrayHostCall(name),
    }
}

/// A frame that does not parse is output, as it came.
fn unparsed(marker: &[u8], payload: &[u8]) -> Vec<u8> {
    [marker, &[FRAME_OPEN], payload, &[FRAME_CLOSE]].concat()
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
