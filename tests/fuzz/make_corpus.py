#!/usr/bin/env python3
"""Write the fuzz seed corpora (tests/fuzz/seeds/TARGET/) from the recorded real-board sessions (tests/boards/recorded/).

    python3 tests/fuzz/make_corpus.py

raw_repl: each session's board answers (after a flags byte and an empty boot-noise answer,
separated as the target expects), whole and from every fourth answer on; reply_splitter: every board answer, with Belay's `_BELAYR` marker; literal: the result
text after each marker, and hand-picked literals.
"""
import hashlib
import json
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
RECORDED = HERE.parent / "boards" / "recorded"
MARKER = b"_BELAYR"
SEP = b"\xff\xfe"  # between board answers, for the raw_repl target


def save(target, data):
    folder = HERE / "seeds" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def sessions():
    for path in sorted(RECORDED.glob("*.jsonl")):
        answers = []
        current = b""
        for line in path.read_text().splitlines():
            event = json.loads(line)
            data = event["bytes"].encode("latin-1")
            if event["dir"] == "board->host":
                current += data
            elif current:
                answers.append(current)
                current = b""
        if current:
            answers.append(current)
        yield answers


for answers in sessions():
    stream = SEP + SEP.join(answers)
    for flags in (0, 1, 0x29):
        save("raw_repl", bytes([flags]) + stream)
    for i in range(1, len(answers), 4):
        save("raw_repl", b"\x00" + SEP + SEP.join(answers[i:]))
    for answer in answers:
        save("reply_splitter", bytes([len(MARKER) - 1]) + MARKER + b"\x03" + answer)
        for m in re.finditer(re.escape(MARKER) + rb"[^\x04]*", answer):
            save("literal", m.group()[len(MARKER):].lstrip(b"|0123456789"))
for text in [
    b"None", b"(1, 'two', 3.5, b'\\x00', [True, {1: {2}}], set())", b"-0.0", b"nan", b"-inf",
    b"12345678901234567890123456789", b"60286808956103544e-186", b"'\\U0001f600\\u2603\\n'",
    b"bytearray(b'ab')", b"dict_keys(['a', 'b'])", b"{(1, 2): b'x', 3: 'y'}", b"[" * 300,
]:
    save("literal", text)
