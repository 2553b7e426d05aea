"""Real third-party OpenAI-compatible servers for the interop suite, installed and run offline.

Each server lives in its own virtualenv (their dependencies clash with ours and with each
other: mock-ai-api even installs a top-level package called ``app``), created on first use
under ``$AIML_INTEROP_HOME`` (default ``~/.cache/aiml-desktop-interop``) and reused while the
pinned version stays the same. Servers listen on free loopback ports and are stopped at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

LITELLM = "litellm[proxy]==1.108.7"
MOCK_AI_API = "mock-ai-api==0.1.1"
INSTALL_TIMEOUT_S = 900
START_TIMEOUT_S = 180


def interop_home() -> Path:
    configured = os.environ.get("AIML_INTEROP_HOME", "").strip()
    home = Path(configured) if configured else Path.home() / ".cache" / "aiml-desktop-interop"
    home.mkdir(parents=True, exist_ok=True)
    return home


def ensure_venv(name: str, requirement: str) -> Path:
    """A virtualenv under ``interop_home()/name`` with ``requirement`` installed; its bin dir."""
    root = interop_home() / name
    stamp = root / "installed.txt"
    bin_dir = root / "bin"
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == requirement:
        return bin_dir
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(root)], check=True)
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         requirement],
        check=True,
        timeout=INSTALL_TIMEOUT_S,
    )  # fmt: skip
    stamp.write_text(requirement + "\n", encoding="utf-8")
    return bin_dir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """One started server process; ``url`` is its root (no ``/v1``)."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_server(
    name: str, command: list[str], port: int, health_path: str, work_dir: Path,
    env: dict[str, str] | None = None, headers: dict[str, str] | None = None,
) -> Server:  # fmt: skip
    """Start ``command`` in ``work_dir`` and wait until ``health_path`` answers 200."""
    log_path = work_dir / f"{name}.log"
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL"))}
    child_env.update(env or {})
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=work_dir,  # never the repository: mock-ai-api's package is also called "app"
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log_path, child_env)
    deadline = time.monotonic() + START_TIMEOUT_S
    request = urllib.request.Request(server.url + health_path, headers=headers or {})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {START_TIMEOUT_S} s:\n{server.log_tail()}")


def start_mock_ai_api(work_dir: Path) -> Server:
    bin_dir = ensure_venv("mock-ai-api", MOCK_AI_API)
    port = free_port()
    command = [str(bin_dir / "python"), "-m", "uvicorn", "app.openai_app:app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    return start_server("mock-ai-api", command, port, "/health", work_dir)


LITELLM_MASTER_KEY = "sk-interop-master-key-0123456789"

# The models the proxy offers: one answered by LiteLLM itself (mock_response), the others
# forwarded to mock-ai-api; ``mode`` is what LiteLLM states in /v1/models.
LITELLM_CONFIG = """\
model_list:
  - model_name: chat-mock
    litellm_params:
      model: openai/gpt-4o-mini
      mock_response: "Hello from the mock model."
  - model_name: gpt-4o-mini
    litellm_params: {{model: openai/gpt-4o-mini, api_base: "{upstream}", api_key: upstream-key}}
  - model_name: text-complete
    litellm_params:
      model: text-completion-openai/gpt-3.5-turbo-instruct
      api_base: "{upstream}"
      api_key: upstream-key
    model_info: {{mode: completion}}
  - model_name: painter
    litellm_params: {{model: openai/gpt-image-1, api_base: "{upstream}", api_key: upstream-key}}
    model_info: {{mode: image_generation}}
  - model_name: voice
    litellm_params: {{model: openai/tts-1, api_base: "{upstream}", api_key: upstream-key}}
    model_info: {{mode: audio_speech}}
  - model_name: ears
    litellm_params: {{model: openai/whisper-1, api_base: "{upstream}", api_key: upstream-key}}
    model_info: {{mode: audio_transcription}}
litellm_settings:
  telemetry: false
  num_retries: 0
general_settings:
  master_key: {key}
"""


def start_litellm(work_dir: Path, upstream: Server) -> Server:
    bin_dir = ensure_venv("litellm", LITELLM)
    config = work_dir / "litellm.yaml"
    config.write_text(
        LITELLM_CONFIG.format(upstream=upstream.url + "/v1", key=LITELLM_MASTER_KEY),
        encoding="utf-8",
    )
    port = free_port()
    command = [str(bin_dir / "litellm"), "--config", str(config),
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    env = {
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # offline: the bundled price list
        "LITELLM_TELEMETRY": "False",
        "NO_DOCS": "True",
    }
    return start_server("litellm", command, port, "/health/liveliness", work_dir, env)
