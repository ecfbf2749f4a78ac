// The MicroPython webassembly port as a board on stdin/stdout (board.py puts it behind a pty).
//
// It behaves like a MicroPython board's UART REPL:
// - raw-paste is broken in this port, so a raw-paste request (\x05 A \x01 in the raw REPL) is
//   answered with R\x00 ("unsupported") and hosts fall back to plain raw mode;
// - a soft reset (Ctrl-D, signalled by bit 0x100 of replProcessCharWithAsyncify's result)
//   starts a fresh VM and prints what a board prints: "MPY: soft reboot", then the raw REPL
//   banner again when the reset came from the raw REPL; files written on the board survive it, as
//   on a board's flash;
// - with --lib DIR, every file of DIR (hardware stand-ins such as machine.py) is installed in /lib
//   on the board's own filesystem;
// - the console input is ONE byte stream, as a board's UART: code reading sys.stdin takes its
//   bytes from the same queue the REPL reads, in order (bytes that follow the command's Ctrl-D,
//   even in the same chunk, go to the code first; what it leaves goes to the REPL afterwards); a
//   read with nothing queued blocks until the host sends more (end of input: EOF). While code
//   runs with Ctrl-C as its interrupt character, a Ctrl-C it would read is not received but
//   raises KeyboardInterrupt in the read, as on a board. Code that does not read stdin cannot be
//   interrupted while it runs (it runs synchronously, holding the event loop): its Ctrl-C reaches
//   the REPL once it is done, as before.
import { readdirSync, readFileSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const args = process.argv.slice(2);
const libIdx = args.indexOf("--lib");
const libFiles = libIdx >= 0
  ? readdirSync(args[libIdx + 1]).map((name) => [name, readFileSync(join(args[libIdx + 1], name))])
  : [];

const RAW_BANNER = "raw REPL; CTRL-B to exit\r\n>";
// True while the VM runs board code (see feed).
globalThis.belayCodeRunning = false;
let out = [];
let mp = null;
// Output goes out as soon as the VM produces it, as from a board's UART (synchronous writes: the
// event loop does not run while Python code runs). While a fresh VM boots after a soft reset its
// output is captured instead.
let capture = null;
function collect(bytes) {
  if (capture !== null) {
    capture.push(...bytes);
    return;
  }
  writeAll(Buffer.from(bytes));
}

function writeAll(buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      if (e.code !== "EAGAIN") throw e;
    }
  }
}
let rawMode = false;
// Bytes of a possible raw-paste request seen so far.
let pasteRequest = [];

// Board timers (the machine.Timer stand-in in stubs/ schedules its ticks with
// js.belaySetTimeout): a soft reset stops them, as it stops a board's timers, so none calls into
// the VM that is gone (the callback it names would be another object of the fresh VM's). An
// exception in a tick is printed, as a board prints one in a timer callback, and the board goes
// on.
const boardTimers = new Set();
globalThis.belaySetTimeout = (fn, ms) => {
  const handle = setTimeout(() => {
    boardTimers.delete(handle);
    try {
      fn();
    } catch (e) {
      writeAll(Buffer.from(`Traceback (most recent call last):\r\n${e.type || "Error"}: ${e.message}\r\n`));
    }
  }, ms);
  boardTimers.add(handle);
  return handle;
};
function stopBoardTimers() {
  for (const handle of boardTimers) clearTimeout(handle);
  boardTimers.clear();
}

function flush() {
  if (out.length) {
    writeAll(Buffer.from(out));
    out = [];
  }
}

async function boot() {
  // Memory of a roomy board (ESP32-S3/RP2350 class): the defaults (2K-word Python stack, 1 MiB
  // heap) cannot compile the 10 000-element list literals the bulk tests send.
  mp = await loadMicroPython({
    stdin: boardStdin,
    stdout: collect,
    linebuffer: false,
    pystack: 64 * 1024,
    heapsize: 8 * 1024 * 1024,
  });
  hookStdinReads();
  if (libFiles.length) {
    try { mp.FS.mkdir("/lib"); } catch (e) { /* exists */ }
    for (const [name, source] of libFiles) mp.FS.writeFile("/lib/" + name, source);
  }
  mp.replInit();
}

async function feed(byte) {
  // Only Ctrl-D (run the raw-REPL command, or soft reset) and Enter (run a friendly-REPL line)
  // can start Python code, which may need asyncify; other bytes just fill the line buffer, and
  // the plain call is far faster for them.
  let ret;
  if (byte === 0x04 || byte === 0x0d) {
    // Board code may run now: soft timers (machine.Timer in stubs/) go through the scheduler
    // meanwhile, as on a board, instead of re-entering the VM.
    globalThis.belayCodeRunning = true;
    try {
      ret = await mp.replProcessCharWithAsyncify(byte);
    } finally {
      globalThis.belayCodeRunning = false;
    }
  } else {
    ret = mp.replProcessChar(byte);
  }
  // A Ctrl-C that came while code read stdin is spent with the code.
  interruptPending = false;
  if (ret & 0x100) {
    await softReboot();
  }
}

// A board's flash survives a soft reset; the fresh VM's filesystem is new, so the files the host
// wrote are carried over (everything outside Emscripten's own /dev, /proc and /tmp).
const SYSTEM_DIRS = new Set(["/dev", "/proc", "/tmp", "/home"]);
function snapshotFiles(fs, dir = "/", out = []) {
  for (const name of fs.readdir(dir)) {
    if (name === "." || name === "..") continue;
    const path = (dir === "/" ? "" : dir) + "/" + name;
    if (SYSTEM_DIRS.has(path)) continue;
    const mode = fs.stat(path).mode;
    if (fs.isDir(mode)) {
      out.push([path, null]);
      snapshotFiles(fs, path, out);
    } else if (fs.isFile(mode)) {
      out.push([path, fs.readFile(path)]);
    }
  }
  return out;
}
function restoreFiles(fs, files) {
  for (const [path, data] of files) {
    if (data === null) {
      try { fs.mkdir(path); } catch (e) { /* exists */ }
    } else {
      fs.writeFile(path, data);
    }
  }
}

async function softReboot() {
  flush();
  stopBoardTimers();
  const wasRaw = rawMode;
  const files = snapshotFiles(mp.FS);
  capture = [];
  await boot();
  restoreFiles(mp.FS, files);
  const banner = capture;
  writeAll(Buffer.from("MPY: soft reboot\r\n"));
  if (wasRaw) {
    // The fresh VM starts in the friendly REPL; a board reset from the raw REPL returns to it.
    await mp.replProcessCharWithAsyncify(0x01);
    capture = null;
    writeAll(Buffer.from(RAW_BANNER));
  } else {
    capture = null;
    writeAll(Buffer.from(banner));
  }
}

async function handle(byte) {
  if (rawMode) {
    const expect = [0x05, 0x41, 0x01];
    if (byte === expect[pasteRequest.length]) {
      pasteRequest.push(byte);
      if (pasteRequest.length === 3) {
        pasteRequest = [];
        writeAll(Buffer.from("R\x00", "latin1"));
      }
      return;
    }
    // Not a raw-paste request after all: pass the held bytes through.
    const held = pasteRequest;
    pasteRequest = [];
    for (const b of held) await feed(b);
  }
  if (byte === 0x01) rawMode = true;
  else if (byte === 0x02) rawMode = false;
  await feed(byte);
}

// The console input, one byte stream (a UART's receive side): chunks from the host, consumed in
// order by the REPL (pump) and by board code reading sys.stdin (boardStdin).
const pending = [];
let pendingPos = 0; // read position in pending[0]
// fd 0 reached its end while code was reading it (the 'end' event comes later, or not at all).
let stdinEof = false;
// The 'end' event came: exit once everything received has been handled.
let inputEnded = false;

function takeByte() {
  while (pending.length) {
    const chunk = pending[0];
    if (pendingPos < chunk.length) return chunk[pendingPos++];
    pending.shift();
    pendingPos = 0;
  }
  return null;
}

// sys.stdin is Emscripten's /dev/stdin device: each read(2) of `length` bytes calls boardStdin up
// to `length` times, ending early when it returns null (null as the first byte: end of file). The
// read starts with `midRead` false (hookStdinReads); a read blocks for its first byte only, and
// returns what is queued after that, as a read of a tty does.
let midRead = false;
let readsHooked = false;
// A KeyboardInterrupt was scheduled during a read and the read has not failed with EINTR yet.
let interruptPending = false;
const EINTR = 27; // Emscripten's (WASI) errno
const readBuf = Buffer.alloc(65536);
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function boardStdin() {
  for (;;) {
    const byte = takeByte();
    if (byte === null) {
      if (midRead || !waitForInput()) {
        midRead = false;
        return null;
      }
      continue;
    }
    const module = mp?._module;
    if (byte === 0x03 && module?._mp_hal_get_interrupt_char?.() === 0x03) {
      // A board's UART turns its interrupt character into a KeyboardInterrupt; the byte is not
      // received. This read ends here, and fails with EINTR if it got nothing (hookStdinReads);
      // the port then handles the pending exception: KeyboardInterrupt raised in the read.
      module._mp_sched_keyboard_interrupt();
      interruptPending = true;
      midRead = false;
      return null;
    }
    // Without the hook on reads, a byte returned marks the read as started (an approximation:
    // a read of exactly the bytes queued leaves it set, and the next read then finds end of file).
    midRead = true;
    return byte;
  }
}

// Mark the start of each read of fd 0 (whatever the read's length), so boardStdin knows when to
// block; and make a read interrupted by Ctrl-C fail with EINTR, on which the port's read (sys.stdin
// is a posix file object) handles the pending KeyboardInterrupt. Called for each fresh VM.
function hookStdinReads() {
  midRead = false;
  interruptPending = false;
  const ops = mp.FS.getStream?.(0)?.stream_ops;
  if (!ops?.read) {
    if (!readsHooked) process.stderr.write("wasm_board: cannot hook reads of fd 0; sys.stdin reads approximated\n");
    return;
  }
  const read = ops.read;
  const FS = mp.FS;
  ops.read = function (...args) {
    midRead = false;
    // A read that got bytes before the Ctrl-C returns them; the next read fails.
    if (interruptPending) {
      interruptPending = false;
      throw new FS.ErrnoError(EINTR);
    }
    const n = read.apply(this, args);
    if (interruptPending && n === 0) {
      interruptPending = false;
      throw new FS.ErrnoError(EINTR);
    }
    return n;
  };
  readsHooked = true;
}

// Code reads sys.stdin and the queue is empty: wait (synchronously, the event loop is held by
// the running code) for the host's next bytes on fd 0. False at the end of the input.
function waitForInput() {
  if (stdinEof || inputEnded) return false;
  flush();
  // Chunks Node has already read from fd 0 but not yet handed to the 'data' handler come first
  // (read() emits them as 'data', which appends them to the queue).
  while (process.stdin.readableLength > 0 && process.stdin.read() !== null);
  if (pending.length) return true;
  for (;;) {
    let n;
    try {
      n = readSync(0, readBuf, 0, readBuf.length, null);
    } catch (e) {
      if (e.code === "EAGAIN") {
        // fd 0 is non-blocking (Node's pipe): sleep 1 ms and try again.
        Atomics.wait(sleepCell, 0, 0, 1);
        continue;
      }
      if (e.code !== "EOF") {
        process.stderr.write(`wasm_board: reading stdin: ${e}\n`);
        throw e;
      }
      n = 0;
    }
    if (n === 0) {
      stdinEof = true;
      return false;
    }
    pending.push(Buffer.from(readBuf.subarray(0, n)));
    return true;
  }
}

// The REPL side: one loop feeds the queue's bytes to the REPL in order; a 'data' event appends to
// the queue and starts the loop unless it is running (it then takes the new bytes in turn).
let pumping = false;
async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    for (let b = takeByte(); b !== null; b = takeByte()) await handle(b);
    flush();
  } finally {
    pumping = false;
  }
  if (inputEnded || stdinEof) process.exit(0);
}

function kick() {
  pump().catch((e) => {
    process.stderr.write(`wasm_board: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}

await boot();
flush();

process.stdin.on("data", (chunk) => {
  pending.push(chunk);
  kick();
});
process.stdin.on("end", () => {
  inputEnded = true;
  kick();
});
