"""Indoor Voice on the home network: what the engine's Wyoming server and the satellite's link
server both do with whoever connects, and how both programs name their addresses.

- `slots`: connection slots a stranger cannot fill.
- `refusals`: refusals logged as a summary per address and minute.
- `server`: a TCP server built on those three.
- `addresses`: `tcp://HOST:PORT` URIs, and the LAN address to advertise over mDNS.

A library, not a program: pure Python, the standard library and the link's one rule of what
counts as inside the house (`indoor_voice_link.local_network`); it imports no program.
"""
