// The MicroPython webassembly port as a board on stdin/stdout (board.py puts it behind a pty).
//
// It behaves like a MicroPython board's UART REPL:
// - raw-paste is broken in this port, so a raw-paste request (\x05 A \x01 in the raw REPL) is
//   answered with R\x00 ("unsupported") and hosts fall back to plain raw mode;
// - a soft reset (Ctrl-D, signalled by bit 0x100 of replProcessCharWithAsyncify's result)
//   starts a fresh VM and prints what a board prints: "MPY: soft reboot", then the raw REPL
//   banner again when the reset came from the raw REPL;
// - with --machine FILE, FILE is installed as /lib/machine.py on the board's own filesystem.
import { readFileSync } from "node:fs";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const args = process.argv.slice(2);
const machineIdx = args.indexOf("--machine");
const machineSource = machineIdx >= 0 ? readFileSync(args[machineIdx + 1]) : null;

const RAW_BANNER = "raw REPL; CTRL-B to exit\r\n>";
let out = [];
let mp = null;
// Output goes out at each newline (and when 256 bytes pile up), so text printed by long-running
// code reaches the host while it runs, as from a board's UART.
// While a fresh VM boots after a soft reset its output is captured here instead.
let capture = null;
function collect(bytes) {
  if (capture !== null) {
    capture.push(...bytes);
    return;
  }
  for (const b of bytes) {
    out.push(b);
    if (b === 10 || b === 4 || out.length >= 256) flush();
  }
}
let rawMode = false;
// Bytes of a possible raw-paste request seen so far.
let pasteRequest = [];

function flush() {
  if (out.length) {
    process.stdout.write(Buffer.from(out));
    out = [];
  }
}

async function boot() {
  mp = await loadMicroPython({ stdout: collect, linebuffer: false });
  if (machineSource !== null) {
    try { mp.FS.mkdir("/lib"); } catch (e) { /* exists */ }
    mp.FS.writeFile("/lib/machine.py", machineSource);
  }
  mp.replInit();
}

async function feed(byte) {
  const ret = await mp.replProcessCharWithAsyncify(byte);
  if (ret & 0x100) {
    await softReboot();
  }
}

async function softReboot() {
  flush();
  const wasRaw = rawMode;
  capture = [];
  await boot();
  const banner = capture;
  process.stdout.write("MPY: soft reboot\r\n");
  if (wasRaw) {
    // The fresh VM starts in the friendly REPL; a board reset from the raw REPL returns to it.
    await mp.replProcessCharWithAsyncify(0x01);
    capture = null;
    process.stdout.write(RAW_BANNER);
  } else {
    capture = null;
    process.stdout.write(Buffer.from(banner));
  }
}

async function handle(byte) {
  if (rawMode) {
    const expect = [0x05, 0x41, 0x01];
    if (byte === expect[pasteRequest.length]) {
      pasteRequest.push(byte);
      if (pasteRequest.length === 3) {
        pasteRequest = [];
        process.stdout.write(Buffer.from("R\x00", "latin1"));
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
