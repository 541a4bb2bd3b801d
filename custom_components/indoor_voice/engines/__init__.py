"""Engines (any Wyoming service): the Wyoming client, the coordinator that keeps each one
checked, the config flow's steps for them, the local pipeline that uses them, and our own
end of a spoken command."""
