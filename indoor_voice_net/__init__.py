"""Indoor Voice on the home network: what the engine's Wyoming server and the satellite's link
server both do with whoever connects, and how both programs name their addresses.

- `local_network`: what counts as inside the house (loopback, private, link-local).
- `slots`: connection slots a stranger cannot fill.
- `refusals`: refusals logged as a summary per address and minute.
- `server`: a TCP server built on those three.
- `addresses`: `tcp://HOST:PORT` URIs, and the LAN address to advertise over mDNS.

A library, not a program: pure Python, standard library only; it imports no program.
"""
