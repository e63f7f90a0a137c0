"""Header lines folded exactly as the standard library's ``email`` package folds them.

Why: ``EmailMessage.as_bytes`` with the SMTP policy folds every header through a
general parse tree and re-folds it level by level; for one French name or subject that
costs more than the SMTP transaction that carries the message. This module writes the
same lines for the few header shapes Relance sends, at a fraction of the cost:

- an *unstructured* value (``Subject``, ``References``, ``In-Reply-To``): words
  separated by single spaces;
- an *address list* (``From``, ``To``, ``Reply-To``): mailboxes ``Name <local@domain>``
  or ``local@domain`` whose name is words of atom characters (RFC 5322 §3.2.3, any
  non-ASCII letter included) and whose address is a dot-atom.

Folding follows RFC 5322 §2.2.3 (lines of at most 78 characters) and RFC 2047 (a
non-ASCII run becomes one or more ``=?utf-8?q?…?=`` / ``=?utf-8?b?…?=`` encoded words,
neighbouring runs merged into one). The algorithm is the package's own
(``email._header_value_parser._refold_parse_tree`` and ``_fold_as_ew``), run over the
same tree of tokens the package's parser would build for these shapes; anything else
(quoted names, comments, ``=?`` in the text, control characters) is :class:`Unsupported`
and the caller lets the package fold it. ``tests/messaging/test_wire.py`` checks the
output byte for byte against the package on generated headers, and
:mod:`relance.messaging.wire` checks a sample once per process before trusting it.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from string import ascii_letters, digits

MAXLEN = 78  # email.policy.SMTP.max_line_length (RFC 5322 §2.2.3)
CRLF = "\r\n"
WSP = " \t"
SPECIALS = set('()<>@,:;."[]\\')  # RFC 5322 §3.2.3; a name with one is quoted
# Characters str.splitlines() breaks on: the package joins or refuses such values.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_TOKENS = re.compile(r"[ \t]\s*|[^ \t]+")  # \s is str.isspace(), as lstrip() strips


class Unsupported(Exception):
    """A header this module does not write the package's way: let the package fold it."""


class _Token:
    """A token of the parse tree: a terminal, or a list of tokens (``kids``, or made
    when first needed by ``make``: an address's inner tokens matter only when it must
    be split across lines).

    ``ew_allowed`` is the package's ``as_ew_allowed``: whether the token may be written
    as an encoded word (never an address, RFC 2047 §5); ``blank`` says whether it
    starts with folding white space.
    """

    __slots__ = ("blank", "ew_allowed", "kids", "make", "text")

    def __init__(self, text: str, kids: list[_Token] | None, ew_allowed: bool,
                 blank: bool, make=None) -> None:
        self.text, self.kids, self.ew_allowed, self.blank = text, kids, ew_allowed, blank
        self.make = make

    @property
    def terminal(self) -> bool:
        return self.kids is None and self.make is None

    def children(self) -> list[_Token]:
        if self.kids is None:
            self.kids = self.make() if self.make else []
        return self.kids


def _word(text: str) -> _Token:
    return _Token(text, None, True, False)


def _space() -> _Token:
    return _Token(" ", None, True, True)


def _list(kids: list[_Token], ew_allowed: bool | None = None) -> _Token:
    allowed = all(k.ew_allowed for k in kids) if ew_allowed is None else ew_allowed
    return _Token("".join(k.text for k in kids), kids, allowed, kids[0].blank)


_END = _Token("", None, True, False)  # closes a region where encoded words are blocked


# --- the trees -------------------------------------------------------------------------

def _header(name: str, value: _Token | None) -> list[_Token]:
    label = _list([_word(name), _word(":")], ew_allowed=False)
    return [label] if value is None else [label, _list([_space()]), value]


def unstructured_tree(value: str) -> _Token:
    """The package's ``get_unstructured``: words and the blanks between them."""
    if not value or "=?" in value:
        raise Unsupported(value)
    _check_text(value)
    return _list(_words(value))


def _words(text: str) -> list[_Token]:
    """Split as the parser does: a blank starts at a space or tab and runs on over any
    white space (``str.lstrip``, so no-break spaces after a space join it)."""
    return [_Token(t, None, True, t[0] in WSP) for t in _TOKENS.findall(text)]


def address_list_tree(mailboxes: list[tuple[str, str, str]]) -> _Token:
    """``Name <local@domain>, local@domain``: the package's ``get_address_list``.

    Each mailbox is (display name, local part, domain), as ``Address`` holds them.
    """
    if not mailboxes:
        raise Unsupported("no mailbox")
    kids: list[_Token] = []
    for index, (name, local, domain) in enumerate(mailboxes):
        if index:
            kids.append(_word(","))
        kids.append(_list([_list([_mailbox(name, local, domain, lead=index > 0)])]))
    return _list(kids)


def _mailbox(name: str, local: str, domain: str, lead: bool) -> _Token:
    if "=?" in local + domain or not _DOT_ATOM.fullmatch(local) \
            or not _DOMAIN.fullmatch(domain):
        raise Unsupported(f"{local}@{domain}")
    if not name:
        return _addr_spec(local, domain, lead)
    angle = _list([_word("<"), _addr_spec(local, domain, False), _word(">")])
    return _list([_display_name(name, lead), angle])


def _display_name(name: str, lead: bool) -> _Token:
    """The phrase before ``<``: atoms, each with the blanks around it (RFC 5322 §3.2.3)."""
    if "=?" in name or not SPECIALS.isdisjoint(name):
        raise Unsupported(name)
    _check_text(name)
    tokens = _words((" " if lead else "") + name + " ")
    atoms, at = [], 0
    while at < len(tokens):
        atom = []
        if tokens[at].blank:
            atom.append(_list([tokens[at]]))
            at += 1
        if at == len(tokens) or tokens[at].blank:  # only blanks: the parser reads no name
            raise Unsupported(name)
        atom.append(tokens[at])
        at += 1
        if at < len(tokens) and tokens[at].blank:
            atom.append(_list([tokens[at]]))
            at += 1
        atoms.append(_list(atom))
    return _list(atoms)


def _addr_spec(local: str, domain: str, lead: bool) -> _Token:
    def make() -> list[_Token]:
        local_atom = _list(([_list([_space()])] if lead else []) + [_dot_atom_text(local)])
        return [_list([local_atom], ew_allowed=False), _word("@"),
                _list([_list([_dot_atom_text(domain)])], ew_allowed=False)]

    return _Token(f"{' ' if lead else ''}{local}@{domain}", None, False, lead, make)


def _dot_atom_text(text: str) -> _Token:
    kids = []
    for index, atom in enumerate(text.split(".")):
        kids += [_word("."), _word(atom)] if index else [_word(atom)]
    return _list(kids, ew_allowed=True)


def _check_text(text: str) -> None:
    if _LINE_BREAKS.search(text) or _CONTROL.search(text):
        raise Unsupported(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: the package writes unknown-8bit
        raise Unsupported(text) from None


# --- folding ---------------------------------------------------------------------------

def fold(name: str, value: _Token | None) -> str:
    """``Name: value`` CRLF, folded; raises :class:`Unsupported` where the package
    would take a path this port does not follow."""
    if value is not None and value.text.isascii() and len(name) + 2 + len(value.text) <= MAXLEN:
        return f"{name}: {value.text}{CRLF}"  # what the general path writes, sooner
    return CRLF.join(_refold(_header(name, value))) + CRLF


@lru_cache(maxsize=2048)
def fold_unstructured(name: str, value: str) -> str:
    return fold(name, unstructured_tree(value) if value else None)


@lru_cache(maxsize=2048)
def fold_addresses(name: str, mailboxes: tuple[tuple[str, str, str], ...]) -> str:
    return fold(name, address_list_tree(list(mailboxes)))


class _Run:
    """The encoded word last written on the current line, which a following non-ASCII
    token joins (RFC 2047 §5 lets adjacent encoded words merge).

    ``start`` is where the package will cut the line to decode it again (its
    ``last_ew``), ``word`` where the encoded word itself begins, ``end`` where it ends;
    ``plain`` is its text.
    """

    __slots__ = ("end", "plain", "start", "word")

    def __init__(self, start: int, word: int, end: int, plain: str) -> None:
        self.start, self.word, self.end, self.plain = start, word, end, plain

    def decoded(self, line: str) -> str:
        """What the package reads back from ``line[start:]``: blanks, the word's text,
        and what was written after it."""
        return line[self.start:self.word] + self.plain + line[self.end:]


_STALE = _Run(-1, -1, -1, "")  # the package's position no longer points at its word


def _refold(parts: list[_Token]) -> list[str]:
    """The lines of ``parts`` (the package's ``_refold_parse_tree``, same branches)."""
    lines = [""]
    run: _Run | None = None
    blocked = 0
    want = False
    todo = parts[::-1]
    while todo:
        part = todo.pop()
        if part is _END:
            blocked -= 1
            continue
        text = part.text
        if not text.isascii():
            want = True
        if want and not blocked:
            if not part.ew_allowed:
                want, run = False, None
                encoded = CRLF.join(_refold(part.children()))
                if CRLF not in encoded:
                    if len(encoded) > MAXLEN - len(lines[-1]):
                        lines.append(_steal_blank(lines))
                    lines[-1] += encoded
                    continue
            if not part.terminal:
                todo.extend(part.children()[::-1])
            else:
                run = _fold_as_ew(text, lines, run)
            want = False
            continue
        if len(text) <= MAXLEN - len(lines[-1]):
            lines[-1] += text
            continue
        if len(text) + 1 <= MAXLEN:
            newline = _steal_blank(lines)
            if newline or part.blank:
                lines.append(newline + text)
                run = None
                continue
        if not part.terminal:
            if not part.ew_allowed:
                blocked += 1
                todo.append(_END)
            todo.extend(part.children()[::-1])
            continue
        if part.ew_allowed and not blocked:
            todo.append(part)
            want = True
            continue
        newline = _steal_blank(lines)
        if newline or part.blank:
            lines.append(newline + text)
            run = _STALE if run is not None else None
        else:
            lines[-1] += text
    return lines


def _fold_as_ew(to_encode: str, lines: list[str], run: _Run | None) -> _Run:
    """Write ``to_encode`` as encoded words, merged with the line's last one (the
    package's ``_fold_as_ew``; it decodes that word and what follows it again)."""
    start, stale = None, False
    if run is not None:
        if run is _STALE:
            raise Unsupported("encoded word position lost")
        to_encode = run.decoded(lines[-1]) + to_encode
        lines[-1] = lines[-1][:run.start]
        start = run.start
    if to_encode[0] in WSP:
        leading = to_encode[0]
        to_encode = to_encode[1:]
        if len(lines[-1]) == MAXLEN:
            lines.append(_steal_blank(lines))
            stale = start is not None
        lines[-1] += leading
    trailing = ""
    if to_encode[-1] in WSP:
        trailing = to_encode[-1]
        to_encode = to_encode[:-1]
    start = len(lines[-1]) if start is None else start
    chrome = len("=?utf-8?q??=")
    word, at = "", start
    while to_encode:
        room = MAXLEN - len(lines[-1])
        if room - chrome <= 0:
            lines.append(" ")
            stale = True  # the package keeps the old position here
            continue
        word = to_encode[:room - chrome]
        encoded = encode_word(word)
        while len(encoded) > room:
            word = word[:-1]
            encoded = encode_word(word)
        at = len(lines[-1])
        lines[-1] += encoded
        to_encode = to_encode[len(word):]
        if to_encode:
            lines.append(" ")
            start, stale = len(lines[-1]), False
    end = len(lines[-1])
    lines[-1] += trailing
    return _STALE if stale else _Run(start, at, end, word)


def _steal_blank(lines: list[str]) -> str:
    """Move the line's trailing blank to the start of the next line."""
    if lines[-1] and lines[-1][-1] in WSP:
        blank = lines[-1][-1]
        lines[-1] = lines[-1][:-1]
        return blank
    return ""


# --- RFC 2047 encoded words ------------------------------------------------------------

_Q_SAFE = frozenset(b"-!*+/" + (ascii_letters + digits).encode("ascii"))
_Q_BYTE = [chr(b) if b in _Q_SAFE else f"={b:02X}" for b in range(256)]
_Q_BYTE[ord(" ")] = "_"


def encode_word(text: str) -> str:
    """``text`` as one UTF-8 encoded word: ``q`` unless ``b`` is 5+ characters shorter.

    RFC 2047 §4 allows either; the package prefers ``q`` (readable) with that bias.
    """
    raw = text.encode("utf-8")
    q = "".join(_Q_BYTE[b] for b in raw)
    b_length = (len(raw) + 2) // 3 * 4
    if len(q) - b_length < 5:
        return f"=?utf-8?q?{q}?="
    return f"=?utf-8?b?{base64.b64encode(raw).decode('ascii')}?="
