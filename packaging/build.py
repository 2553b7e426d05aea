"""Build AIML Desktop for this OS: the wheel, the PyInstaller bundle, and proof that it starts.

    python packaging/build.py                 # wheel + bundle + self-test (+ Linux tarball)
    python packaging/build.py --installer     # also the Windows setup.exe / macOS .dmg
    python packaging/build.py --no-ffmpeg     # bundle without ffmpeg/ffprobe

Output goes to dist/ (wheel, bundle under dist/pyinstaller/, Linux tarball); PyInstaller's
work files to build/pyinstaller/. Exits non-zero when a step fails, when the bundle's
``--self-test`` does not print "self-test ok", when a bundle built with ffmpeg does not find
and run its own ffmpeg/ffprobe (its ``doctor`` on a PATH without them), or when the Linux
bundle with ffmpeg unpacks to more than 164 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGING_DIR = REPO_ROOT / "packaging"
SPEC_PATH = PACKAGING_DIR / "pyinstaller" / "aiml-desktop.spec"
LOCAL_FFMPEG_DIR = PACKAGING_DIR / "build" / "ffmpeg"
SELF_TEST_OK = "self-test ok"
SELF_TEST_TIMEOUT_S = 180
# unpacked, with ffmpeg and ffprobe (150 MB, then the MCP client +6, QtCharts +3, math fonts +3)
LINUX_BUNDLE_LIMIT_BYTES = 164_000_000

sys.path.insert(0, str(REPO_ROOT))
from app import APP_ID, APP_NAME, __version__  # noqa: E402


class BuildError(Exception):
    """A build step failed; the message says which and why."""


@dataclass
class Report:
    timings: dict[str, float] = field(default_factory=dict)
    artifacts: dict[str, Path] = field(default_factory=dict)
    doctor: list[str] = field(default_factory=list)

    def timed(self, name: str, started: float) -> None:
        self.timings[name] = time.monotonic() - started


def run(command: list[str], *, cwd: Path = REPO_ROOT, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(command), flush=True)
    result = subprocess.run(command, cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise BuildError(f"{command[0]} {command[1] if len(command) > 1 else ''} failed")


def folder_size(folder: Path) -> int:
    """Bytes of all files below ``folder`` (symlinks counted as links, not targets)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def build_wheel(out_dir: Path, *, isolated: bool) -> Path:
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out_dir)]
    if not isolated:
        command.append("--no-isolation")
    run([*command, str(REPO_ROOT)])
    wheels = sorted(out_dir.glob(f"aiml_desktop-{__version__}-*.whl"), key=os.path.getmtime)
    if not wheels:
        raise BuildError(f"no wheel for version {__version__} in {out_dir}")
    return wheels[-1]


def is_static_program(path: Path) -> bool:
    result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False)
    return "not a dynamic executable" in result.stdout + result.stderr


def linux_ffmpeg_dir() -> Path:
    """A static audio-only ffmpeg/ffprobe pair, built once by linux/build_ffmpeg.sh."""
    if not (LOCAL_FFMPEG_DIR / "ffprobe").is_file():
        print("building a static audio-only ffmpeg (once, about 2 minutes)", flush=True)
        run(["sh", str(PACKAGING_DIR / "linux" / "build_ffmpeg.sh"), str(LOCAL_FFMPEG_DIR)])
    return LOCAL_FFMPEG_DIR


def ffmpeg_arguments(ffmpeg_dir: Path | None, *, bundle_ffmpeg: bool) -> list[str]:
    """Spec arguments choosing the ffmpeg/ffprobe pair to bundle.

    Linux bundles a static pair (the app's child processes do not see the bundle's libraries);
    Windows and macOS take the pair from PATH unless --ffmpeg-dir names one.
    """
    if not bundle_ffmpeg:
        return ["--no-ffmpeg"]
    if ffmpeg_dir is None and sys.platform.startswith("linux"):
        ffmpeg_dir = linux_ffmpeg_dir()
    if ffmpeg_dir is None:
        print("bundling ffmpeg and ffprobe from PATH", flush=True)
        return []
    if sys.platform.startswith("linux"):
        for tool in ("ffmpeg", "ffprobe"):
            if not is_static_program(ffmpeg_dir / tool):
                raise BuildError(f"{ffmpeg_dir / tool} is not statically linked")
    print(f"bundling ffmpeg and ffprobe from {ffmpeg_dir}", flush=True)
    return ["--ffmpeg-dir", str(ffmpeg_dir)]


def macos_icon(work_dir: Path) -> list[str]:
    """On macOS with iconutil, a fresh .icns made from the SVG (spec arguments); else none."""
    if sys.platform != "darwin" or shutil.which("iconutil") is None:
        return []
    iconset = work_dir / "aiml-desktop.iconset"
    icns = work_dir / "aiml-desktop.icns"
    run([sys.executable, str(PACKAGING_DIR / "render_icons.py"), "--iconset", str(iconset)])
    run(["iconutil", "-c", "icns", str(iconset), "-o", str(icns)])
    return ["--icon", str(icns)]


def build_bundle(dist_dir: Path, work_dir: Path, spec_arguments: list[str]) -> Path:
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(SPEC_PATH),
            "--noconfirm",
            "--distpath",
            str(dist_dir),
            "--workpath",
            str(work_dir),
            "--",
            *spec_arguments,
        ]
    )
    return bundle_executable(dist_dir)


def bundle_executable(dist_dir: Path) -> Path:
    """The bundle's program: .app/Contents/MacOS on macOS, <app>/<app>[.exe] elsewhere."""
    if sys.platform == "darwin":
        return dist_dir / f"{APP_NAME}.app" / "Contents" / "MacOS" / APP_ID
    suffix = ".exe" if sys.platform == "win32" else ""
    return dist_dir / APP_ID / f"{APP_ID}{suffix}"


def first_start_environment(home: Path) -> dict[str, str]:
    """A first start with nothing set up: no display, no keyring, no sound server, empty dirs."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PULSE_SERVER="unix:/nonexistent/pulse/native",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
    )
    (home / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
    env.pop("AIML_API_KEY", None)
    return env


def self_test(executable: Path) -> str:
    """Run ``--version`` and ``--self-test`` on the bundle; returns the self-test's output."""
    with tempfile.TemporaryDirectory(prefix="aiml-first-start-") as home:
        env = first_start_environment(Path(home))
        version = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, env=env, check=False
        )
        if version.returncode != 0 or __version__ not in version.stdout:
            raise BuildError(f"--version printed {version.stdout!r} {version.stderr!r}")
        result = subprocess.run(
            [str(executable), "--self-test"],
            capture_output=True,
            text=True,
            env=env,
            timeout=SELF_TEST_TIMEOUT_S,
            check=False,
        )
    output = result.stdout + result.stderr
    if result.returncode != 0 or SELF_TEST_OK not in result.stdout:
        raise BuildError(f"--self-test failed (exit {result.returncode}):\n{output}")
    return output


def bundled_tools_check(executable: Path, bundle_dir: Path) -> list[str]:
    """Run the bundle's ``doctor`` on a PATH without ffmpeg; fail unless it finds its own pair.

    Returns the doctor's lines, for the build report.
    """
    with tempfile.TemporaryDirectory(prefix="aiml-doctor-") as home:
        env = first_start_environment(Path(home))
        env["PATH"] = str(Path(home) / "empty-path")
        runs = [
            subprocess.run(
                [str(executable), "doctor", *extra],
                capture_output=True,
                text=True,
                env=env,
                timeout=SELF_TEST_TIMEOUT_S,
                check=False,
            )
            for extra in ([], ["--json"])
        ]
    if any(result.returncode != 0 for result in runs):
        raise BuildError(f"doctor failed:\n{runs[0].stdout}{runs[0].stderr}{runs[1].stderr}")
    tools = {tool["name"]: tool for tool in json.loads(runs[1].stdout)["tools"]}
    for name in ("ffmpeg", "ffprobe"):
        tool = tools[name]
        inside = tool["path"] and Path(tool["path"]).resolve().is_relative_to(bundle_dir.resolve())
        if tool["origin"] != "bundled" or not inside or not tool["version"]:
            raise BuildError(f"the bundle does not find and run its own {name}:\n{runs[0].stdout}")
    return runs[0].stdout.splitlines()


def check_linux_size(bundle_dir: Path) -> None:
    size = folder_size(bundle_dir)
    if size > LINUX_BUNDLE_LIMIT_BYTES:
        raise BuildError(
            f"the bundle is {size / 1e6:.1f} MB, over {LINUX_BUNDLE_LIMIT_BYTES / 1e6:.0f} MB"
        )


def linux_tarball(bundle_dir: Path, out_dir: Path) -> Path:
    """dist/aiml-desktop-<version>-linux-<arch>.tar.gz: the bundle plus install/uninstall."""
    name = f"{APP_ID}-{__version__}-linux-{os.uname().machine}"
    tarball = out_dir / f"{name}.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(bundle_dir, arcname=f"{name}/{APP_ID}")
        for script in ("install.sh", "uninstall.sh"):
            archive.add(PACKAGING_DIR / "linux" / script, arcname=f"{name}/{script}")
    return tarball


def platform_installer(dist_dir: Path) -> Path:
    if sys.platform == "win32":
        compiler = shutil.which("iscc") or shutil.which("ISCC")
        if compiler is None:
            raise BuildError("Inno Setup's iscc was not found on PATH")
        script = PACKAGING_DIR / "windows" / "aiml-desktop.iss"
        bundle = dist_dir / APP_ID
        run([compiler, f"/DAppVersion={__version__}", f"/DBundleDir={bundle}", str(script)])
        return REPO_ROOT / "dist" / f"{APP_ID}-{__version__}-setup.exe"
    if sys.platform == "darwin":
        script = PACKAGING_DIR / "macos" / "build_dmg.sh"
        run(["sh", str(script), str(dist_dir / f"{APP_NAME}.app")])
        return REPO_ROOT / "dist" / f"{APP_ID}-{__version__}.dmg"
    raise BuildError("--installer is for Windows and macOS; Linux gets the tarball")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "build", help="work folder")
    parser.add_argument("--skip-wheel", action="store_true", help="do not build the wheel")
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="build the wheel in an isolated environment (downloads setuptools)",
    )
    parser.add_argument("--ffmpeg-dir", type=Path, help="folder with the ffmpeg/ffprobe to ship")
    parser.add_argument("--no-ffmpeg", action="store_true", help="ship no ffmpeg/ffprobe")
    parser.add_argument("--installer", action="store_true", help="also build setup.exe / .dmg")
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> Report:
    report = Report()
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.skip_wheel:
        started = time.monotonic()
        report.artifacts["wheel"] = build_wheel(args.out, isolated=args.isolated)
        report.timed("wheel", started)
    started = time.monotonic()
    spec_arguments = ffmpeg_arguments(args.ffmpeg_dir, bundle_ffmpeg=not args.no_ffmpeg)
    args.work.mkdir(parents=True, exist_ok=True)
    spec_arguments += macos_icon(args.work)
    bundle_dist = args.out / "pyinstaller"
    executable = build_bundle(bundle_dist, args.work / "pyinstaller", spec_arguments)
    report.timed("bundle", started)
    report.artifacts["bundle"] = bundle_dist / (
        f"{APP_NAME}.app" if sys.platform == "darwin" else APP_ID
    )
    started = time.monotonic()
    self_test(executable)
    report.timed("self-test", started)
    if not args.no_ffmpeg:
        started = time.monotonic()
        report.doctor = bundled_tools_check(executable, report.artifacts["bundle"])
        report.timed("doctor", started)
    if sys.platform.startswith("linux"):
        if not args.no_ffmpeg:
            check_linux_size(report.artifacts["bundle"])
        report.artifacts["tarball"] = linux_tarball(report.artifacts["bundle"], args.out)
    if args.installer:
        report.artifacts["installer"] = platform_installer(bundle_dist)
    return report


def print_report(report: Report) -> None:
    print(f"\n{APP_NAME} {__version__} for {sys.platform}: {SELF_TEST_OK}")
    for name, seconds in report.timings.items():
        print(f"  {name:<10} {seconds:6.1f} s")
    for name, path in report.artifacts.items():
        size = folder_size(path) if path.is_dir() else path.stat().st_size
        print(f"  {name:<10} {size / 1_000_000:7.1f} MB  {path}")
    if report.doctor:
        print("  the bundle's doctor, run with no ffmpeg on PATH:")
        for line in report.doctor:
            print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = build(args)
    except (BuildError, subprocess.TimeoutExpired) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
