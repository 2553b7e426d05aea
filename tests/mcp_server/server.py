"""A small MCP server for the tests, run as a real subprocess over stdio.

Tools: ``echo`` and ``add`` answer; ``sleep_forever`` never does; ``crash`` writes a line to
stderr and ends the process; ``garbage`` prints a line that is not JSON-RPC to stdout before
it answers; ``big`` returns a long text; ``pid``, ``environment`` and
``header`` tell about the process and the request.
``--fail-at-start`` writes to stderr and exits before speaking MCP; ``--prefix TEXT`` changes
what ``echo`` puts in front of its text; ``--http-port N`` serves streamable HTTP
instead; ``--pid-file PATH`` adds the process id to a file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from mcp.server.mcpserver import Context, MCPServer


def build(prefix: str) -> MCPServer:
    server = MCPServer("test-tools")

    @server.tool()
    def echo(text: str) -> str:
        """Returns the text it was given."""
        return f"{prefix}{text}"

    @server.tool()
    def add(a: int, b: int) -> int:
        """Adds two whole numbers."""
        return a + b

    @server.tool()
    def sleep_forever() -> str:
        """Never answers."""
        while True:
            time.sleep(3600)

    @server.tool()
    def crash() -> str:
        """Ends the server process at once."""
        print("about to crash: the test asked for it", file=sys.stderr, flush=True)
        os._exit(3)

    @server.tool()
    def garbage() -> str:
        """Prints a line that is not JSON-RPC to stdout, then answers."""
        print("this line is not JSON", flush=True)
        return "answered after garbage"

    @server.tool()
    def big(size: int) -> str:
        """Returns a text of the given length."""
        return "x" * size

    @server.tool()
    def pid() -> int:
        """The server's process id."""
        return os.getpid()

    @server.tool()
    def environment(name: str) -> str:
        """The value of one environment variable, and the working folder."""
        return f"{os.environ.get(name, '')} in {os.getcwd()}"

    @server.tool()
    def header(name: str, ctx: Context) -> str:
        """The value of one HTTP header of the request (streamable HTTP only)."""
        return (ctx.headers or {}).get(name.lower(), "")

    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-at-start", action="store_true")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--http-port", type=int, help="serve streamable HTTP on 127.0.0.1")
    parser.add_argument("--pid-file", help="write the process id to this file at start")
    options = parser.parse_args()
    if options.fail_at_start:
        print("starting the test server", file=sys.stderr)
        print("error: the configuration file is missing", file=sys.stderr, flush=True)
        sys.exit(2)
    if options.pid_file:
        with open(options.pid_file, "a", encoding="utf-8") as pids:
            pids.write(f"{os.getpid()}\n")
    print("test server ready", file=sys.stderr)
    server = build(options.prefix)
    if options.http_port:
        server.run("streamable-http", host="127.0.0.1", port=options.http_port)
    else:
        server.run("stdio")


if __name__ == "__main__":
    main()
