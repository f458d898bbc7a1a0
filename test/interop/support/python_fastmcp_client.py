"""Drives FastMCP's client and its own OAuth helper against a server, for the interop suite.

Usage: python python_fastmcp_client.py MCP_URL CALLBACK_PORT STEPS_JSON

FastMCP's `OAuth` registers, runs PKCE, serves the redirect URI on 127.0.0.1:CALLBACK_PORT and opens
a browser. The browser is the only part replaced: `webbrowser.open` prints
{"event": "authorize", "url": ...} and the test plays the user, then requests the callback URL.
One {"event": "tool", ...} line per step, then {"event": "done"}.
"""

import asyncio
import json
import sys
import webbrowser

from fastmcp import Client
from fastmcp.client.auth import OAuth


def emit(event: dict) -> None:
    print(json.dumps(event), flush=True)


def open_in_test_browser(url: str, *args: object, **kwargs: object) -> bool:
    emit({"event": "authorize", "url": url})
    return True


webbrowser.open = open_in_test_browser


async def main() -> None:
    mcp_url, callback_port, steps = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    auth = OAuth(client_name="interop-fastmcp", callback_port=callback_port, callback_host="127.0.0.1", callback_timeout=60)
    async with Client(mcp_url, auth=auth) as client:
        for step in steps:
            result = await client.call_tool(step["tool"], step.get("arguments", {}), raise_on_error=False)
            emit({"event": "tool", "tool": step["tool"], "isError": bool(result.is_error), "structured": result.structured_content, "scope": None})
    emit({"event": "done"})


asyncio.run(main())
