#!/usr/bin/env python3
"""A local SMTP server for the SMTP adapter's tests (scripts/test.sh), on aiosmtpd.

It binds port 0 and writes the port the OS chose to --port-file (no race for a free port), and keeps
every message it accepts in --sink as two files: `<n>.eml` (the DATA exactly as received) and
`<n>.json` (the envelope: MAIL FROM, RCPT TO), written through a rename so a reader never sees half
of one. Two recipient local parts make it answer as a real relay refusing a recipient:

  reject-permanent@...  550 5.1.1 (RFC 5321: permanent)
  reject-transient@...  451 4.3.0 (RFC 5321: transient)
"""

import argparse
import asyncio
import itertools
import json
import os

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local == "reject-permanent":
            return "550 5.1.1 No such mailbox"
        if local == "reject-transient":
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        number = next(self.numbers)
        base = os.path.join(self.folder, f"{number:06d}")
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}
        for suffix, data in ((".eml", envelope.original_content), (".json", json.dumps(meta).encode())):
            with open(base + suffix + ".tmp", "wb") as out:
                out.write(data)
        # The .json last: once it exists, the .eml is complete.
        os.replace(base + ".eml.tmp", base + ".eml")
        os.replace(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


async def serve(host, port_file, sink):
    loop = asyncio.get_running_loop()
    handler = Sink(sink)
    server = await loop.create_server(
        lambda: SMTP(handler, enable_SMTPUTF8=True, decode_data=False), host, 0
    )
    port = server.sockets[0].getsockname()[1]
    temporary = port_file + ".tmp"
    with open(temporary, "w", encoding="ascii") as out:
        out.write(f"{port}\n")
    os.replace(temporary, port_file)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--sink", required=True, help="folder for the accepted messages")
    args = parser.parse_args()
    os.makedirs(args.sink, exist_ok=True)
    try:
        asyncio.run(serve(args.host, args.port_file, args.sink))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
