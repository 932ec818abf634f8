"""The README's "Try sending locally" recipe, run as written: the sandbox (scripts/mail_sandbox.py)
in one process, the second terminal's commands in one bash, read from the README so the recipe
cannot drift from what works.

The one change to the text: the sandbox is started with `--smtp-port 0 --imap-port 0` (any free
port, so two runs of the suite never collide), and the `mail setup` line gets the ports it printed;
the test checks that line is otherwise the README's word for word. Without Dovecot the sandbox has
no IMAP server: the recipe's `inbox` line is left out (the README says so), the rest still runs.
"""

from __future__ import annotations

import email
import email.policy
import json
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailservers import PASSWORD, dovecot_binary

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
README_PORTS = {
    "--smtp-port": "8587",
    "--imap-port": "8993",
}  # the sandbox's defaults, as the README shows them


def recipe() -> tuple[str, list[str]]:
    """The README section's two code blocks: the sandbox command, and the second terminal's lines."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n### Try sending locally\n", 1)[1]
    section = re.split(r"\n##+ ", section, maxsplit=1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```", section, re.M | re.S)
    assert len(blocks) == 2, "the recipe is two code blocks: the sandbox, then the commands"
    (server,) = [line for line in blocks[0].splitlines() if line.strip()]
    return server, [line for line in blocks[1].splitlines() if line.strip()]


def _words(line: str) -> list[str]:
    return shlex.split(line, comments=True)


def _venv() -> Path:
    """The environment the suite runs in, which the README calls `.venv`."""
    for candidate in (ROOT / ".venv", Path(sys.prefix)):
        if (candidate / "bin" / "activate").is_file() and (candidate / "bin" / "broker-audit").exists():
            return candidate
    pytest.skip("the suite does not run in a virtual environment with broker-audit installed (.venv)")


class Sandbox:
    """scripts/mail_sandbox.py running as a child process; its output read line by line."""

    def __init__(self, command: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            ["bash", "-c", "exec " + command],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("")  # end of output

    def until(self, word: str) -> list[str]:
        """Its lines up to the first that starts with `word` (a hang guard of 60 s, no timing)."""
        while True:
            try:
                line = self.lines.get(timeout=60)
            except queue.Empty:
                pytest.fail(f"the sandbox printed no {word!r} in 60 s: {self.seen}")
            self.seen.append(line)
            if line.startswith(word):
                return self.seen
            if line == "" and self.process.poll() is not None:
                pytest.fail(f"the sandbox stopped (exit {self.process.returncode}): {self.seen}")

    def stop(self) -> int:
        """Ctrl-C, as the README says."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


@pytest.fixture
def sandbox_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder laid out like the checkout the README's commands run in."""
    work = tmp_path / "checkout"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples")
    (work / "scripts").symlink_to(ROOT / "scripts")
    (work / ".venv").symlink_to(_venv())
    yield work


def run_lines(lines: list[str], cwd: Path) -> list[tuple[str, int, str]]:
    """Each line in one bash, in order, as typed into a terminal: (line, exit code, output)."""
    out = cwd / ".recipe"
    out.mkdir()
    script = []
    for n, line in enumerate(lines):
        script.append(f'{{ {line}\n}} >"{out}/{n}.out" 2>&1 </dev/null; echo $? >"{out}/{n}.rc"')
    subprocess.run(["bash", "-c", "\n".join(script)], cwd=cwd, check=False, timeout=600)
    return [
        (line, int((out / f"{n}.rc").read_text()), (out / f"{n}.out").read_text())
        for n, line in enumerate(lines)
    ]


def test_the_readme_recipe_sends_to_the_sandbox_and_inbox_reads_the_answer(sandbox_folder: Path) -> None:
    server_line, lines = recipe()
    imap = dovecot_binary() is not None
    sandbox = Sandbox(
        shlex.join([*_words(server_line), "--smtp-port", "0", "--imap-port", "0"]), sandbox_folder
    )
    try:
        printed = sandbox.until("Ready.")
        (setup,) = [line.strip() for line in printed if line.strip().startswith("broker-audit mail setup")]
        words = _words(setup)
        ports = {opt: words[i + 1] for i, opt in enumerate(words[:-1]) if opt in README_PORTS}
        assert set(ports) == ({"--smtp-port", "--imap-port"} if imap else {"--smtp-port"})
        assert not set(ports.values()) & set(README_PORTS.values())  # any free port, as asked

        # the README's `mail setup` line is what the sandbox prints, but for the ports
        (readme_setup,) = [line for line in lines if line.startswith("broker-audit mail setup")]
        expected = _words(readme_setup)
        for opt, value in README_PORTS.items():
            assert expected[expected.index(opt) + 1] == value, (
                f"README: {opt} is the sandbox's default {value}"
            )
            if opt in ports:
                expected[expected.index(opt) + 1] = ports[opt]
        if not imap:  # the sandbox prints no IMAP options when it has no IMAP server
            for opt in ("--imap-host", "--imap-port", "--authserv-id"):
                del expected[expected.index(opt) : expected.index(opt) + 2]
        assert words == expected

        commands = [setup if line == readme_setup else line for line in lines]
        if not imap:
            commands = [line for line in commands if _words(line)[:2] != ["broker-audit", "inbox"]]
        results = run_lines(commands, sandbox_folder)
        for line, code, output in results:
            assert code == 0, f"README recipe: `{line}` exited {code}:\n{output}"
            assert "Traceback" not in output, f"README recipe: `{line}`:\n{output}"
        said = {" ".join(_words(line)[:3]): output for line, _, output in results}

        # a message arrived, and is what `send` says it sent
        sent = sorted((sandbox_folder / "mail-sandbox" / "sent").glob("*.eml"))
        assert [p.name for p in sent] == ["0001-consumer.documents@lexisnexis.com.eml"]
        assert said["ls mail-sandbox/sent/"].split() == [sent[0].name]
        message = email.message_from_bytes(sent[0].read_bytes(), policy=email.policy.default)
        assert message["To"] == "consumer.documents@lexisnexis.com"
        assert "maria.nunez@example.org" in message["From"]
        assert re.search(r"\(ref\. BA-[0-9A-Z]{8}\)", message["Subject"])
        sent_line = f"#1 LexisNexis Risk Solutions: sent to {message['To']}, {message['Message-ID']}"
        assert sent_line in said["broker-audit send --yes"]
        (answer,) = (sandbox_folder / "mail-sandbox" / "replies").glob("*.eml")
        reply = email.message_from_bytes(answer.read_bytes(), policy=email.policy.default)
        assert reply["In-Reply-To"] == message["Message-ID"]
        assert reply["From"] == "consumer.documents@lexisnexis.com"

        if not imap:
            pytest.skip("Dovecot is not installed: the message arrived; the IMAP part (inbox) was not run")

        # the copy in the Sent folder is found the way `send` looks for one after a broken run
        from broker_audit.mail.imap import ImapSession, ImapSettings

        settings = ImapSettings(
            host="127.0.0.1",
            port=int(ports["--imap-port"]),
            user="maria.nunez@example.org",
            cafile=sandbox_folder / "mail-sandbox" / "ca.pem",
        )
        with ImapSession(settings, PASSWORD) as session:
            folder = session.sent_folder()
            assert folder is not None and session.holds_message_id(folder, message["Message-ID"])

        # inbox read the answer, kept it with request #1 and suggested its state
        inbox = " ".join(said["broker-audit inbox"].split())
        assert "1 reply kept" in inbox  # one message, one reply: "1 message, 1 reply kept"
        assert "reply #1 to #1 (LexisNexis Risk Solutions)" in inbox and "[suggested acknowledged]" in inbox
        shown = said["broker-audit show 1"]
        assert "consumer.doc" in shown and "acknowledged" in shown
    finally:
        code = sandbox.stop()
    assert code == 0 and sandbox.until("Stopping.")
    assert not (sandbox_folder / "mail-sandbox" / "sandbox.json").exists()


def test_reply_without_a_sandbox_says_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "mail_sandbox.py"), "reply", "--dir", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is not a sandbox folder: start one with `mail_sandbox.py --dir" in result.stderr


def test_the_sandbox_state_names_its_process(tmp_path: Path) -> None:
    """A second sandbox on the same folder is refused while the first runs (it would take its ports
    and its state file)."""
    folder = tmp_path / "box"
    folder.mkdir()
    (folder / "sandbox.json").write_text(json.dumps({"pid": 1}))  # pid 1 always runs
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "mail_sandbox.py"), "--dir", str(folder), "--no-imap"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "a sandbox already serves" in result.stderr
