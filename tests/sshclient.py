"""A plain SSH shell for tests: paramiko, read up to the exact prompt, as most Python scripts do."""

from __future__ import annotations

import codecs
import re

import paramiko


class Shell:
    """An interactive SSH shell read up to the prompt (paramiko, as most Python scripts use it)."""

    def __init__(self, port: int, user: str, password: str):
        self.user = user
        self.client = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        self.client.connect(
            "127.0.0.1", port=port, username=user, password=password, look_for_keys=False, allow_agent=False
        )
        self.chan = self.client.invoke_shell(width=200, height=1000)
        self.chan.settimeout(20)  # each read: a server that says nothing for this long fails the test
        self.prompt = re.compile(rf"{re.escape(user)}@[\w.-]+[>#] \Z")  # whatever the host name becomes
        self._decoder = codecs.getincrementaldecoder("utf-8")()  # a character may span two reads
        self.banner = self.read_to_prompt()

    def read_to_prompt(self) -> str:
        """Everything up to the prompt at the end, however many reads it takes (or up to the channel's end)."""
        out = ""
        while not self.prompt.search(out):
            data = self.chan.recv(65536)
            if not data:
                break
            out += self._decoder.decode(data)
        return out

    def read_to_end(self) -> str:
        """Everything until the server closes the channel: a last message is not always one read."""
        out = ""
        while data := self.chan.recv(65536):
            out += self._decoder.decode(data)
        return out + self._decoder.decode(b"", final=True)

    def run(self, line: str) -> str:
        return self.type(line + "\n")

    def type(self, keys: str) -> str:
        self.chan.send(keys)
        return self.read_to_prompt()

    def close(self) -> None:
        self.client.close()
