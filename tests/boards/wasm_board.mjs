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
//   on the board's own filesystem.
import { readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const args = process.argv.slice(2);
const libIdx = args.indexOf("--lib");
const libFiles = libIdx >= 0
  ? readdirSync(args[libIdx + 1]).map((name) => [name, readFileSync(join(args[libIdx + 1], name))])
  : [];

const RAW_BANNER = "raw REPL; CTRL-B to exit\r\n>";
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

function flush() {
  if (out.length) {
    writeAll(Buffer.from(out));
    out = [];
  }
}

async function boot() {
  // Memory of a roomy board (ESP32-S3/RP2350 class): the defaults (2K-word Python stack, 1 MiB
  // heap) cannot compile the 10 000-element list literals the bulk tests send.
  mp = await loadMicroPython({ stdout: collect, linebuffer: false, pystack: 64 * 1024, heapsize: 8 * 1024 * 1024 });
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
  const ret = byte === 0x04 || byte === 0x0d ? await mp.replProcessCharWithAsyncify(byte) : mp.replProcessChar(byte);
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

await boot();
flush();

let queue = Promise.resolve();
process.stdin.on("data", (chunk) => {
  queue = queue.then(async () => {
    for (const b of chunk) await handle(b);
    flush();
  });
});
process.stdin.on("end", () => queue.then(() => process.exit(0)));
