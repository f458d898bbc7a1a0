"""Drives the MCP Python SDK's own OAuth client against a server, for the interop suite.

Usage: python python_mcp_client.py MCP_URL REDIRECT_URI STEPS_JSON

STEPS_JSON is a list of tool calls, e.g. [{"tool": "list_notes"}, {"tool": "add_note", "arguments": {"text": "x"}}].
Talks JSON lines: it prints {"event": "authorize", "url": ...} whenever the SDK sends the user to the
authorization server and reads {"code", "state", "iss"} from stdin in reply (the test plays the user);
it prints one {"event": "tool", ...} per step, then {"event": "done", "protocolVersion": ...}.
"""

import asyncio
import json
import sys

import httpx2
from mcp import Client
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken


def emit(event: dict) -> None:
    print(json.dumps(event), flush=True)


class MemoryTokenStorage(TokenStorage):
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


async def main() -> None:
    mcp_url, redirect_uri, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    loop = asyncio.get_running_loop()
    storage = MemoryTokenStorage()

    async def redirect_handler(url: str) -> None:
        emit({"event": "authorize", "url": url})

    async def callback_handler() -> AuthorizationCodeResult:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        reply = json.loads(line)
        return AuthorizationCodeResult(code=reply["code"], state=reply.get("state"), iss=reply.get("iss"))

    provider = OAuthClientProvider(
        server_url=mcp_url,
        client_metadata=OAuthClientMetadata(
            client_name="interop-python-sdk",
            redirect_uris=[redirect_uri],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )
    async with httpx2.AsyncClient(auth=provider, timeout=30) as http:
        async with Client(streamable_http_client(mcp_url, http_client=http)) as client:
            for step in steps:
                result = await client.call_tool(step["tool"], step.get("arguments", {}))
                emit(
                    {
                        "event": "tool",
                        "tool": step["tool"],
                        "isError": bool(result.is_error),
                        "structured": result.structured_content,
                        "scope": storage.tokens.scope if storage.tokens else None,
                    }
                )
            emit({"event": "done", "protocolVersion": client.protocol_version})


asyncio.run(main())
