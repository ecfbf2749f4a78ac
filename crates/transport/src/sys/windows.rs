//! The platform layer on Windows. Pipes, sockets, COM ports and the console have no common
//! readiness call (`WaitForMultipleObjects` does not wait on an anonymous pipe or a synchronous
//! COM handle), so every source is read by a thread of its own that blocks in `read` and hands
//! what it got to a [`Feed`]; a wait is a channel wait on that feed and on the wake-up's
//! (crossbeam's `Select`). Processes run in a job object, ended together.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read};
use std::marker::PhantomData;
use std::os::windows::io::AsRawHandle;
use std::os::windows::process::CommandExt;
use std::process::{Child, ChildStderr, ChildStdout, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crossbeam_channel::{Receiver, Select, Sender, TryRecvError, bounded, unbounded};

use crate::io::timed::{ReadOutcome, Ready};

/// What a reader thread hands over: bytes, or the end (`None`) with the error that ended it.
type Chunk = Result<Vec<u8>, Option<io::Error>>;

/// Bytes a reader thread delivers, waited on as a channel. The same type serves as the wake-up
/// (a channel another thread puts a token in).
pub struct Feed {
    rx: Receiver<Chunk>,
    /// A delivered chunk a read took only part of; the end, once seen, stays here.
    left: Mutex<VecDeque<u8>>,
    ended: Mutex<Option<Option<io::Error>>>,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed").finish_non_exhaustive()
    }
}

impl Feed {
    fn new(rx: Receiver<Chunk>) -> Feed {
        Feed {
            rx,
            left: Mutex::new(VecDeque::new()),
            ended: Mutex::new(None),
        }
    }

    /// Read `reader` on a thread of its own until it ends or `stop` is set (the thread checks it
    /// each time a read returns, data or timeout).
    fn spawn<R: Read + Send + 'static>(mut reader: R, stop: Arc<AtomicBool>) -> Feed {
        let (tx, rx) = unbounded();
        std::thread::Builder::new()
            .name("belay-read".into())
            .spawn(move || {
                let mut buf = vec![0u8; 4096];
                while !stop.load(Ordering::SeqCst) {
                    let chunk = match reader.read(&mut buf) {
                        Ok(0) => Err(None),
                        Ok(n) => Ok(buf[..n].to_vec()),
                        Err(e) if e.kind() == io::ErrorKind::TimedOut => continue,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) if gone(&e) => Err(None),
                        Err(e) => Err(Some(e)),
                    };
                    let end = chunk.is_err();
                    if tx.send(chunk).is_err() || end {
                        return;
                    }
                }
            })
            .expect("spawning a reader thread");
        Feed::new(rx)
    }

    fn has_data(&self) -> bool {
        !self.left.lock().unwrap().is_empty()
            || self.ended.lock().unwrap().is_some()
            || !self.rx.is_empty()
    }
}

/// Errors that mean the other side went away: a closed pipe, a reset connection, a COM port
/// whose device was unplugged.
fn gone(e: &io::Error) -> bool {
    use windows_sys::Win32::Foundation::{
        ERROR_BAD_COMMAND, ERROR_BROKEN_PIPE, ERROR_DEVICE_NOT_CONNECTED, ERROR_OPERATION_ABORTED,
    };
    matches!(
        e.kind(),
        io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
    ) || matches!(
        e.raw_os_error().map(|c| c as u32),
        Some(
            ERROR_BROKEN_PIPE
                | ERROR_DEVICE_NOT_CONNECTED
                | ERROR_BAD_COMMAND
                | ERROR_OPERATION_ABORTED
        )
    )
}

/// What a timed read waits on: a feed.
pub(crate) type Source<'a> = &'a Feed;

/// Owned things a timed read can wait on.
pub(crate) trait Pollable {
    fn source(&self) -> Source<'_>;
}

/// A reader with the thread that reads it; dropping it stops the thread (at once for sockets,
/// which are shut down; at the next timeout for COM ports; at end of file for pipes).
pub(crate) struct Watched<T> {
    feed: Feed,
    stop: Arc<AtomicBool>,
    on_drop: Option<Box<dyn FnOnce() + Send>>,
    of: PhantomData<fn() -> T>,
}

impl<T> Pollable for Watched<T> {
    fn source(&self) -> Source<'_> {
        &self.feed
    }
}

impl<T> Drop for Watched<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(f) = self.on_drop.take() {
            f();
        }
    }
}

/// Things a reader thread can own and read.
pub(crate) trait Watch: Sized {
    fn watch(self) -> Watched<Self>;
}

fn watched<R: Read + Send + 'static>(
    r: R,
    on_drop: Option<Box<dyn FnOnce() + Send>>,
) -> Watched<R> {
    let stop = Arc::new(AtomicBool::new(false));
    Watched {
        feed: Feed::spawn(r, stop.clone()),
        stop,
        on_drop,
        of: PhantomData,
    }
}

impl Watch for std::net::TcpStream {
    fn watch(self) -> Watched<Self> {
        let closer = self.try_clone().ok();
        watched(
            self,
            Some(Box::new(move || {
                if let Some(s) = closer {
                    let _ = s.shutdown(std::net::Shutdown::Both);
                }
            })),
        )
    }
}

impl Watch for ChildStdout {
    fn watch(self) -> Watched<Self> {
        watched(self, None)
    }
}

impl Watch for ChildStderr {
    fn watch(self) -> Watched<Self> {
        watched(self, None)
    }
}

impl Watch for std::io::PipeReader {
    fn watch(self) -> Watched<Self> {
        watched(self, None)
    }
}

/// One wait: data first (bytes that already arrived are never dropped for a wake-up). Never
/// `None`: a channel wait is not cut short by signals.
pub(crate) fn poll_once(
    source: Source<'_>,
    timeout: Option<Duration>,
    wake: Option<Source<'_>>,
) -> io::Result<Option<Ready>> {
    if source.has_data() {
        return Ok(Some(Ready::Readable));
    }
    let mut sel = Select::new();
    sel.recv(&source.rx);
    if let Some(w) = wake {
        sel.recv(&w.rx);
    }
    let ready = match timeout {
        Some(t) => sel.ready_timeout(t).ok(),
        None => Some(sel.ready()),
    };
    Ok(Some(match ready {
        None => Ready::TimedOut,
        Some(_) if source.has_data() => Ready::Readable,
        Some(_) => Ready::Woken,
    }))
}

/// Take what a feed holds (it has data: [`poll_once`] said so).
pub(crate) fn read_now(source: Source<'_>, buf: &mut [u8]) -> io::Result<ReadOutcome> {
    let mut left = source.left.lock().unwrap();
    if left.is_empty() {
        let mut ended = source.ended.lock().unwrap();
        if ended.is_none() {
            match source.rx.try_recv() {
                Ok(Ok(bytes)) => left.extend(bytes),
                Ok(Err(e)) => *ended = Some(e),
                Err(TryRecvError::Empty) => return Ok(ReadOutcome::TimedOut),
                Err(TryRecvError::Disconnected) => *ended = Some(None),
            }
        }
        if let Some(end) = ended.as_mut() {
            return match end.take() {
                // The error once; after it, the source reads as closed.
                Some(e) => Err(e),
                None => Ok(ReadOutcome::Closed),
            };
        }
    }
    let n = left.len().min(buf.len());
    for (dst, src) in buf.iter_mut().zip(left.drain(..n)) {
        *dst = src;
    }
    Ok(ReadOutcome::Data(n))
}

/// A wake-up: a token in a channel of one.
pub(crate) struct WakePipe {
    tx: Sender<Chunk>,
    feed: Feed,
}

impl WakePipe {
    pub fn new() -> io::Result<WakePipe> {
        let (tx, rx) = bounded(1);
        Ok(WakePipe {
            tx,
            feed: Feed::new(rx),
        })
    }

    pub fn wake(&self) {
        // A token already there already holds a wake-up.
        let _ = self.tx.try_send(Ok(Vec::new()));
    }

    pub fn drain(&self) {
        while self.feed.rx.try_recv().is_ok() {}
    }

    pub fn source(&self) -> Source<'_> {
        &self.feed
    }
}

/// This process's standard input, read by one thread for the life of the process (a console
/// handle or a pipe: neither can be waited on the same way).
impl Pollable for io::Stdin {
    fn source(&self) -> Source<'_> {
        static STDIN: OnceLock<Feed> = OnceLock::new();
        STDIN.get_or_init(|| Feed::spawn(io::stdin(), Arc::new(AtomicBool::new(false))))
    }
}

/// serialport's native port on this system.
pub(crate) type SerialPort = serialport::COMPort;

/// A serial port read by its own thread.
pub(crate) type SerialSource = Watched<SerialPort>;

/// How long one read of a COM port waits before its thread checks whether to stop. A
/// synchronous COM handle also holds writes back while a read waits, so this is short: data
/// that arrives ends the read at once (serialport's timeouts: return as soon as any byte is
/// there).
const SERIAL_POLL: Duration = Duration::from_millis(10);

/// Open a COM port (`COM5`, `\\.\COM12`): the port itself, a reader thread's feed, a writer.
/// Windows ports are always exclusive.
pub(crate) fn open_serial(
    path: &str,
    baud: u32,
    _exclusive: bool,
) -> serialport::Result<(SerialPort, SerialSource, SerialPort)> {
    use serialport::SerialPort as _;
    // The builder's timeout becomes the port's COMMTIMEOUTS when it opens.
    let port = serialport::new(path, baud)
        .timeout(SERIAL_POLL)
        .open_native()?;
    // Bytes that arrived before we opened the port belong to nobody: drop them.
    let _ = port.clear(serialport::ClearBuffer::Input);
    let reader = watched(port.try_clone_native()?, None);
    let writer = port.try_clone_native()?;
    Ok((port, reader, writer))
}

/// The command that runs a line through the system's shell.
pub(crate) fn shell(line: &str) -> Command {
    let mut cmd = Command::new("cmd");
    // cmd.exe parses its own command line: pass the line as written, not quoted again.
    cmd.arg("/C").raw_arg(line);
    cmd
}

/// Job objects of the processes [`spawn_group`] started, by process id.
fn jobs() -> &'static Mutex<HashMap<u32, usize>> {
    static JOBS: OnceLock<Mutex<HashMap<u32, usize>>> = OnceLock::new();
    JOBS.get_or_init(Default::default)
}

/// Start `cmd` in a job object of its own, so that [`stop_process_group`] ends every process it
/// started (a `cmd /C` and what it runs).
pub(crate) fn spawn_group(cmd: &mut Command) -> io::Result<Child> {
    use windows_sys::Win32::Foundation::CloseHandle;
    use windows_sys::Win32::System::JobObjects::{AssignProcessToJobObject, CreateJobObjectW};
    use windows_sys::Win32::System::Threading::CREATE_NEW_PROCESS_GROUP;
    let child = cmd.creation_flags(CREATE_NEW_PROCESS_GROUP).spawn()?;
    // SAFETY: a new unnamed job object, and our own child's process handle.
    unsafe {
        let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
        if !job.is_null() {
            if AssignProcessToJobObject(job, child.as_raw_handle() as _) != 0 {
                jobs().lock().unwrap().insert(child.id(), job as usize);
            } else {
                CloseHandle(job);
            }
        }
    }
    Ok(child)
}

/// End the child's job (or the child alone); Windows leaves nothing to reap.
pub(crate) fn stop_process_group(child: &mut Child) {
    use windows_sys::Win32::Foundation::CloseHandle;
    use windows_sys::Win32::System::JobObjects::TerminateJobObject;
    let job = jobs().lock().unwrap().remove(&child.id());
    if let Ok(Some(_)) = child.try_wait() {
        if let Some(job) = job {
            // SAFETY: a job handle we created and own.
            unsafe { CloseHandle(job as _) };
        }
        return;
    }
    if let Some(job) = job {
        // SAFETY: a job handle we created and own; ending it ends its processes.
        unsafe {
            TerminateJobObject(job as _, 1);
            CloseHandle(job as _);
        }
    }
    let _ = child.kill();
}
