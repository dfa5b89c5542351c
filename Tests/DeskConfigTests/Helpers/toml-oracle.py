#!/usr/bin/env python3
"""The oracle for deskd's TOML parser: Python's tomllib.

  toml-oracle.py generate --seed S --count N --out DIR   random documents, valid and broken, into DIR
  toml-oracle.py cases FILE --out DIR                    split a case file ("=== name" lines) into DIR
  toml-oracle.py judge DIR                               one JSON line per .toml file in DIR

A judged line is {"file": NAME, "ok": true, "value": TAGGED} or {"file": NAME, "ok": false,
"error": TEXT}. TAGGED is the document with every scalar as {"type": T, "value": TEXT}: T is
string, integer, float, bool or datetime; a float's value is repr(); a date-time's is only its type.
"""
import datetime
import json
import os
import random
import sys
import tomllib


def tagged(value):
    if isinstance(value, dict):
        return {key: tagged(item) for key, item in value.items()}
    if isinstance(value, list):
        return [tagged(item) for item in value]
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": repr(value)}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return {"type": "datetime", "value": ""}
    raise TypeError(type(value))


def judge(directory):
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".toml"):
            continue
        with open(os.path.join(directory, name), "rb") as handle:
            data = handle.read()
        try:
            value = tomllib.loads(data.decode("utf-8"))
            line = {"file": name, "ok": True, "value": tagged(value)}
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError) as error:
            line = {"file": name, "ok": False, "error": str(error)}
        print(json.dumps(line, ensure_ascii=False))


def split_cases(path, out):
    os.makedirs(out, exist_ok=True)
    name, lines = None, []

    def flush():
        if name is not None:
            with open(os.path.join(out, name + ".toml"), "w", encoding="utf-8", newline="") as handle:
                handle.write("".join(lines))

    with open(path, encoding="utf-8", newline="") as handle:
        for line in handle:
            if line.startswith("=== "):
                flush()
                name, lines = line[4:].strip(), []
            else:
                lines.append(line)
    flush()


class Writer:
    """Random TOML in the forms a person writes: every key and value form, comments, blank lines."""

    def __init__(self, rng):
        self.rng = rng

    def bare_key(self):
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(1, 8)))

    def key(self):
        roll = self.rng.random()
        if roll < 0.7:
            return self.bare_key()
        if roll < 0.85:
            return '"' + self.rng.choice(["with space", "åäö", "tab\\tkey", 'quote\\"d', "", "a.b"]) + '"'
        return "'" + self.rng.choice(["lit key", "ü", "x.y", ""]) + "'"

    def basic_string(self):
        pieces = ["Brand", " i ", "trapphuset", "\\n", "\\t", '\\"', "\\\\", "\\u00e5", "\\U0001F600", "ö", "é", "#"]
        return '"' + "".join(self.rng.choice(pieces) for _ in range(self.rng.randint(0, 6))) + '"'

    def string(self):
        roll = self.rng.random()
        if roll < 0.55:
            return self.basic_string()
        if roll < 0.75:
            return "'" + self.rng.choice(["C:\\path", "no \\escapes", "", "<\\i\\c*\\s*>", "två"]) + "'"
        if roll < 0.9:
            body = self.rng.choice(["\nline one\nline two", "first \\\n   joined", 'say ""hi""', "\n", "a\\tb"])
            return '"""' + body + '"""'
        return "'''" + self.rng.choice(["\nraw \\n text", "it's", "two\nlines", ""]) + "'''"

    def integer(self):
        n = self.rng.randint(-(2**40), 2**40)
        form = self.rng.random()
        if form < 0.5:
            return str(n)
        if form < 0.65:
            text = f"{abs(n):,}".replace(",", "_")
            return ("-" if n < 0 else self.rng.choice(["", "+"])) + text
        if form < 0.8:
            return "0x" + self.rng.choice([format(abs(n), "x"), format(abs(n), "X")])
        if form < 0.9:
            return "0o" + format(abs(n), "o")
        return "0b" + format(abs(n) % 4096, "b")

    def float(self):
        return self.rng.choice([
            "1.5", "-0.0", "+3.25", "1e10", "6.626e-34", "5E+22", "-2E-2", "3.141_592", "1_000.5",
            "inf", "-inf", "+inf", "nan", "+nan", "-nan", "0.1", "224_617.445_991_228",
            repr(self.rng.uniform(-1e6, 1e6)),
        ])

    def datetime(self):
        return self.rng.choice([
            "1979-05-27T07:32:00Z", "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999+02:00",
            "1979-05-27 07:32:00Z", "1979-05-27T07:32:00", "1979-05-27", "07:32:00", "00:32:00.5",
        ])

    def scalar(self):
        kind = self.rng.choice(["string", "string", "integer", "float", "bool", "datetime"])
        if kind == "bool":
            return self.rng.choice(["true", "false"])
        return getattr(self, kind)()

    def value(self, depth=0):
        roll = self.rng.random()
        if depth < 2 and roll < 0.15:
            items = [self.value(depth + 1) for _ in range(self.rng.randint(0, 4))]
            separator = self.rng.choice([", ", ",", ",\n  ", " , "])
            trailing = self.rng.choice(["", ","]) if items else ""
            comment = self.rng.choice(["", " # note\n"]) if items else ""
            return "[" + comment + separator.join(items) + trailing + "]"
        if depth < 2 and roll < 0.25:
            keys = list(dict.fromkeys(self.bare_key() for _ in range(self.rng.randint(0, 3))))
            pairs = [f"{key} = {self.value(depth + 1)}" for key in keys]
            return "{" + ", ".join(pairs).replace("\n", " ") + "}"
        return self.scalar()

    def pairs(self, count):
        lines, used = [], set()
        for _ in range(count):
            key = self.key()
            if self.rng.random() < 0.15:
                key = key + "." + self.bare_key()
            if key in used:
                continue
            used.add(key)
            spacing = self.rng.choice([" = ", "=", "  =  ", "\t= "])
            comment = self.rng.choice(["", "", "  # comment", " #"])
            lines.append(f"{key}{spacing}{self.value()}{comment}")
        return lines

    def document(self):
        lines = self.pairs(self.rng.randint(0, 4))
        names = set()
        for _ in range(self.rng.randint(0, 4)):
            header = self.bare_key()
            if self.rng.random() < 0.3:
                header += "." + self.bare_key()
            if self.rng.random() < 0.3:
                lines.append("")
                lines.append(f"[[{header}]]")
            elif header not in names:
                names.add(header)
                lines.append(self.rng.choice(["", "# a section"]))
                lines.append(self.rng.choice([f"[{header}]", f"[ {header} ]"]))
            lines.extend(self.pairs(self.rng.randint(0, 4)))
        return "\n".join(lines) + self.rng.choice(["\n", "", "\r\n"])

    def broken(self, text):
        """A small slip: a character dropped, doubled or inserted, or a line repeated."""
        if not text:
            return "= 1\n"
        at = self.rng.randrange(len(text))
        roll = self.rng.random()
        if roll < 0.3:
            return text[:at] + text[at + 1:]
        if roll < 0.55:
            return text[:at] + self.rng.choice(['"', "'", "[", "]", "=", "{", "}", ",", ".", "#", "\\", " x"]) + text[at:]
        if roll < 0.75:
            lines = text.split("\n")
            index = self.rng.randrange(len(lines))
            lines.insert(index, lines[index])
            return "\n".join(lines)
        return text[:at] + "\n" + text[at:]


def generate(seed, count, out):
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    writer = Writer(rng)
    for index in range(count):
        text = writer.document()
        if index % 2 == 1:
            text = writer.broken(text)
        with open(os.path.join(out, f"gen-{index:04d}.toml"), "w", encoding="utf-8", newline="") as handle:
            handle.write(text)


def main(argv):
    if len(argv) >= 2 and argv[1] == "judge":
        judge(argv[2])
    elif len(argv) >= 2 and argv[1] == "cases":
        split_cases(argv[2], argv[argv.index("--out") + 1])
    elif len(argv) >= 2 and argv[1] == "generate":
        generate(int(argv[argv.index("--seed") + 1]), int(argv[argv.index("--count") + 1]), argv[argv.index("--out") + 1])
    else:
        print(__doc__, file=sys.stderr)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
