"""What the tests and the scripts (bench, soak, fuzz) both stand on: the engine, satellites and
Home Assistant's Assist running for real on 127.0.0.1, the voices that speak to them, the
Wyoming clients that talk to them, and the official services beside ours.

Part of a checkout, never of a package: the wheel ships only the programs and their
libraries. Helpers only the tests use stay in tests/support.
"""
