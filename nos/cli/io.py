"""What the CLI engine needs from a front-end (terminal, plain pipe, SSH channel).

The engine produces text lines and asks questions; it never touches a terminal.
Front-ends decide about echo, paging, escape codes and line endings.
"""

from __future__ import annotations

from typing import Protocol


class SessionIO(Protocol):
    interactive: bool  # a person at a terminal (paging, confirmation prompts wait for keys)
    terminal_type: str

    def write(self, text: str) -> None:
        """Text as is (already containing its newlines)."""

    async def page(self, lines: list[str], paged: bool, screen_length: int) -> None:
        """Command output; with `paged`, stop every `screen_length - 1` lines at ---(more)---."""

    async def ask(self, question: str) -> str | None:
        """Print `question` (no newline) and read one line; None at end of input."""

    async def read_secret(self, question: str) -> str | None:
        """Like ask, without echo (passwords)."""

    async def read_block(self) -> str | None:
        """Lines until Ctrl-D at the start of a line (load ... terminal); None when interrupted."""

    def notify(self, text: str) -> None:
        """An unsolicited message (broadcast) shown between prompts."""


class BufferIO:
    """A front-end that keeps everything in memory: for tests and scripted sessions."""

    interactive = False
    terminal_type = "vt100"

    def __init__(self, answers: list[str] | None = None):
        self.chunks: list[str] = []
        self.answers = list(answers or [])

    def write(self, text: str) -> None:
        self.chunks.append(text)

    async def page(self, lines: list[str], paged: bool, screen_length: int) -> None:
        self.chunks.append("".join(line + "\n" for line in lines))

    async def ask(self, question: str) -> str | None:
        self.chunks.append(question)
        if not self.answers:
            self.chunks.append("\n")
            return None
        answer = self.answers.pop(0)
        self.chunks.append(answer + "\n")
        return answer

    async def read_secret(self, question: str) -> str | None:
        self.chunks.append(question)
        answer = self.answers.pop(0) if self.answers else None
        self.chunks.append("\n")
        return answer

    async def read_block(self) -> str | None:
        if not self.answers:
            return ""
        return self.answers.pop(0)

    def notify(self, text: str) -> None:
        self.chunks.append(text)

    def take(self) -> str:
        out = "".join(self.chunks)
        self.chunks.clear()
        return out
