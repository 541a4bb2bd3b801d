"""Satellites: the link to each one, its pipeline runs, its speaker, its timers, and which
satellite answers when several hear the same wake word."""
