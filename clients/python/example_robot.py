#!/usr/bin/env python3
"""Drives one GatoMesh episode session from its own process, as a robot's controller would.

Reads an embodiment spec and a list of observations (JSON files), opens the session, steps it once per
observation and prints one JSON line per step on stdout:
    {"sequence": 1, "timestep": 0, "action": {...}, "action_tokens": [...], "model_version": "..."}
then closes the session. Progress and errors go to stderr; exit code 1 on a refused request, 2 on
bad usage.

The observations file holds a JSON list; each item maps field keys to fields in the protocol's JSON form,
e.g. {"joints": {"continuous": {"values": [0.1, -0.2]}}, "camera": {"image": {"height": 16, "width": 16,
"channels": 3, "pixels": "<base64>"}}} (gatomesh_client.text/image/continuous/discrete build them).

--drop-after-send N cuts the connection right after step N went out (before its answer), once: the
client reconnects and retries that step with the same sequence number, and the output is what it would
have been without the cut (a failure drill; tests/GatoMesh.Gateway.Tests runs it).
"""

import argparse
import asyncio
import json
import sys

from gatomesh_client import GatoMeshClient, GatoMeshError


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="ws://HOST:PORT/v1/sessions")
    parser.add_argument("--key", required=True, help="the fleet's API key")
    parser.add_argument("--session", required=True, help="session id (in the key's fleet)")
    parser.add_argument("--spec", required=True, help="file holding the embodiment spec JSON")
    parser.add_argument("--observations", required=True, help="file holding a JSON list of observations")
    parser.add_argument("--drop-after-send", type=int, default=0, metavar="N",
                        help="failure drill: cut the connection once, right after step N was sent")
    parser.add_argument("--keep-open", action="store_true", help="leave the session open at the end")
    return parser.parse_args(argv)


async def run(args) -> int:
    with open(args.spec, encoding="utf-8") as f:
        spec_json = f.read()
    with open(args.observations, encoding="utf-8") as f:
        observations = json.load(f)
    if not isinstance(observations, list):
        print("--observations must hold a JSON list of observations", file=sys.stderr)
        return 2

    dropped = False

    async def drill(client, message):
        nonlocal dropped
        step = message.get("step")
        if not dropped and step is not None and int(step["sequence"]) == args.drop_after_send:
            dropped = True
            print(f"drill: dropping the connection after sending step {step['sequence']}", file=sys.stderr)
            await client.abort()

    client = await GatoMeshClient.connect(args.endpoint, args.key,
                                          on_sent=drill if args.drop_after_send > 0 else None)
    async with client:
        session = await client.open_session(args.session, spec_json)
        for i, observation in enumerate(observations):
            reply = await session.step(observation)
            print(json.dumps({
                "sequence": reply.sequence, "timestep": reply.timestep, "action": reply.action,
                "action_tokens": reply.action_tokens, "model_version": reply.model_version,
            }), flush=True)
            print(f"step {i + 1}/{len(observations)}: timestep {reply.timestep}", file=sys.stderr)
        if not args.keep_open:
            await session.close()
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        return asyncio.run(run(args))
    except GatoMeshError as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
