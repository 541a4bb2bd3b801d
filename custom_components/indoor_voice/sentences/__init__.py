"""What this home can be told: Home Assistant's own sentence templates for the pipeline's
language, filled with the home's names, as an automaton that says whether words so far
begin a command or make a whole one (the end of a command), and as a sample of commands
(speech recognition's candidates)."""
